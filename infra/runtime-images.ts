/**
 * One image per runtime of the catalogue, built from the context the factory rendered and pushed to
 * the registry. Functions are pinned to the pushed digest, so a rebuild with new content rolls them
 * out and an unchanged one leaves them alone.
 */

import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';
import type { RuntimeImageSource } from './infra-config';

export interface RuntimeImagesArgs {
  runtimes: RuntimeImageSource[];
  /** Project root: contexts are relative to it. */
  root: string;
  pushServer: pulumi.Input<string>;
  pullServer: pulumi.Input<string>;
  username: pulumi.Input<string>;
  password: pulumi.Output<string>;
  skipPush: boolean;
}

export interface RuntimeImage {
  runtimeId: string;
  language: string;
  version: string;
  /** The version, or the factory's content tag. */
  tag: string;
  /** `<push server>/codering/<language>:<tag>` */
  imageName: pulumi.Output<string>;
  /** What the nodes pull: the pushed digest under the pull server's name (the name when not pushed). */
  reference: pulumi.Output<string>;
  image: docker.Image;
}

/** `python@3.11.2` → `python`, `3.11.2`. */
export function splitRuntimeId(runtimeId: string): { language: string; version: string } {
  const at = runtimeId.lastIndexOf('@');
  return { language: runtimeId.slice(0, at), version: runtimeId.slice(at + 1) };
}

/** The repository of a language's images: image names allow fewer characters than language names. */
export function repositoryFor(language: string): string {
  return `codering/${language.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
}

export class RuntimeImages extends pulumi.ComponentResource {
  readonly images: RuntimeImage[];

  constructor(name: string, args: RuntimeImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:RuntimeImages', name, {}, opts);
    this.images = args.runtimes.map((runtime) => {
      const { language, version } = splitRuntimeId(runtime.id);
      const context = path.resolve(args.root, runtime.context);
      const tag = runtime.tag ?? version;
      const imageName = pulumi.interpolate`${args.pushServer}/${repositoryFor(language)}:${tag}`;
      const image = new docker.Image(
        `${name}-${language}-${tag}`,
        {
          imageName,
          build: {
            context,
            dockerfile: path.join(context, runtime.dockerfile),
            platform: 'linux/amd64',
          },
          registry: { server: args.pushServer, username: args.username, password: pulumi.secret(args.password) },
          skipPush: args.skipPush,
        },
        { parent: this },
      );
      const reference = args.skipPush
        ? image.imageName
        : pulumi
            .all([image.repoDigest, args.pushServer, args.pullServer])
            .apply(([digest, push, pull]) => (digest.startsWith(`${push}/`) ? `${pull}${digest.slice(push.length)}` : digest));
      return { runtimeId: runtime.id, language, version, tag, imageName: image.imageName, reference, image };
    });
    this.registerOutputs({ references: this.images.map((image) => image.reference) });
  }
}
