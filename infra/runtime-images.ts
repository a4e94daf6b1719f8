/**
 * The Nuclio image of every runtime of the stack: the runtime image the factory built (content tag
 * and all) plus Nuclio's processor, built from the context `codering render --target nuclio` wrote
 * and pushed as `codering/<language>-nuclio:<the runtime image's tag>`. Functions are pinned to the
 * pushed digest, and named after the runtime image the API runs (`servedImage`).
 */

import * as pulumi from '@pulumi/pulumi';
import { imageNameOf } from '../factory/nuclio';
import { nuclioImageName } from '../factory/tags';
import type { RuntimeImageSource } from './infra-config';
import { pushImage, type ImagePushTarget, type PushedImage } from './pushed-image';

export interface RuntimeImagesArgs extends ImagePushTarget {
  runtimes: RuntimeImageSource[];
  /** Project root: contexts are relative to it. */
  root: string;
}

export interface RuntimeImage extends PushedImage {
  runtimeId: string;
  language: string;
  version: string;
  /** `codering/python:3.11.2-3f83798b1ac3`: the content-tagged image the API runs, which names the function. */
  servedImage: string;
}

/** `python@3.11.2` → `python`, `3.11.2`. */
export function splitRuntimeId(runtimeId: string): { language: string; version: string } {
  const at = runtimeId.lastIndexOf('@');
  return { language: runtimeId.slice(0, at), version: runtimeId.slice(at + 1) };
}

export class RuntimeImages extends pulumi.ComponentResource {
  readonly images: RuntimeImage[];

  constructor(name: string, args: RuntimeImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:RuntimeImages', name, {}, opts);
    this.images = args.runtimes.map((runtime) => {
      const { language, version } = splitRuntimeId(runtime.id);
      const { repository, tag } = imageNameOf(runtime.image);
      // the name `codering build --target nuclio` pushes too, and the API reads the served image from
      const localName = nuclioImageName(runtime.id, tag);
      const pushed = pushImage(
        `${name}-${language}-${tag}`,
        { root: args.root, context: runtime.context, dockerfile: runtime.dockerfile, localName },
        args,
        { parent: this },
      );
      return { runtimeId: runtime.id, language, version, servedImage: `${repository}:${tag}`, ...pushed };
    });
    this.registerOutputs({ references: this.images.map((image) => image.reference) });
  }
}
