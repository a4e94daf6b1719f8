/**
 * A stand-in for a Docker registry (distribution 2.8's v2 API), with the parts the API reads when it
 * looks for an image to deploy: tags, manifests (GET and HEAD with `Docker-Content-Digest`) and config
 * blobs carrying the labels the factory built the image with.
 */

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushedImage {
  labels: Record<string, string>;
  created: string;
}

export interface FakeImageRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  /** repository → tag → image */
  images: Map<string, Map<string, PushedImage>>;
  /** Request paths, in order. */
  requests: string[];
  push(repository: string, tag: string, image: PushedImage): string;
  digestOf(repository: string, tag: string): string;
  close(): Promise<void>;
}

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export async function startFakeImageRegistry(): Promise<FakeImageRegistry> {
  const images = new Map<string, Map<string, PushedImage>>();
  const requests: string[] = [];
  const configOf = (image: PushedImage): string => JSON.stringify({ created: image.created, config: { Labels: image.labels } });
  const manifestOf = (image: PushedImage): string =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(configOf(image)) },
      layers: [],
    });

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(`${request.method} ${path}`);
    const match = /^\/v2\/(.+)\/(tags\/list|manifests\/([^/]+)|blobs\/([^/]+))$/.exec(path);
    const tags = match === null ? undefined : images.get(match[1] as string);
    if (match === null || tags === undefined) {
      response.writeHead(404).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
      return;
    }
    if (match[2] === 'tags/list') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: match[1], tags: [...tags.keys()] }));
      return;
    }
    if (match[3] !== undefined) {
      const image = tags.get(decodeURIComponent(match[3]));
      if (image === undefined) {
        response.writeHead(404).end();
        return;
      }
      const manifest = manifestOf(image);
      response.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': sha(manifest) });
      response.end(request.method === 'HEAD' ? undefined : manifest);
      return;
    }
    const blob = [...tags.values()].map(configOf).find((config) => sha(config) === match[4]);
    if (blob === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(blob);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const digestOf = (repository: string, tag: string): string => {
    const image = images.get(repository)?.get(tag);
    if (image === undefined) throw new Error(`no ${repository}:${tag}`);
    return sha(manifestOf(image));
  };
  return {
    host: `127.0.0.1:${port}`,
    images,
    requests,
    push(repository, tag, image) {
      if (!images.has(repository)) images.set(repository, new Map());
      images.get(repository)?.set(tag, image);
      return digestOf(repository, tag);
    },
    digestOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
