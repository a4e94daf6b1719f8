/**
 * One image built from a context the factory rendered and pushed to the image registry, as the nodes
 * will pull it: by digest under the pull server's name. A rebuild with new content changes the digest
 * and rolls out what runs it; an unchanged one leaves everything alone.
 */

import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';

/** Where images are pushed and pulled, and with which credentials. */
export interface ImagePushTarget {
  pushServer: pulumi.Input<string>;
  pullServer: pulumi.Input<string>;
  username: pulumi.Input<string>;
  password: pulumi.Output<string>;
  /** Build only: the image is then run by its name (nodes that share this engine). */
  skipPush: boolean;
}

export interface PushedImageSource {
  /** Project root: the context is relative to it. */
  root: string;
  context: string;
  dockerfile: string;
  /** `codering/<…>:<tag>`: the name under the push server. */
  localName: string;
}

export interface PushedImage {
  /** `<push server>/<local name>` */
  imageName: pulumi.Output<string>;
  /** What the nodes pull: the pushed digest under the pull server's name (the name when not pushed). */
  reference: pulumi.Output<string>;
  image: docker.Image;
}

export function pushImage(
  resourceName: string,
  source: PushedImageSource,
  target: ImagePushTarget,
  opts: pulumi.CustomResourceOptions,
): PushedImage {
  const context = path.resolve(source.root, source.context);
  const image = new docker.Image(
    resourceName,
    {
      imageName: pulumi.interpolate`${target.pushServer}/${source.localName}`,
      build: { context, dockerfile: path.join(context, source.dockerfile), platform: 'linux/amd64' },
      registry: { server: target.pushServer, username: target.username, password: pulumi.secret(target.password) },
      skipPush: target.skipPush,
    },
    opts,
  );
  const reference = target.skipPush
    ? image.imageName
    : pulumi
        .all([image.repoDigest, target.pushServer, target.pullServer])
        .apply(([digest, push, pull]) => (digest.startsWith(`${push}/`) ? `${pull}${digest.slice(push.length)}` : digest));
  return { imageName: image.imageName, reference, image };
}
