/**
 * What the registry API needs from the image factory: the builder's `ensureImage`, plus its fast path
 * (the reference of an image already built, without building) when the builder offers one.
 */

import type { BuiltImage, ImageBuilder, ImageRequest } from '../../factory/builder';

export interface ImageSource extends ImageBuilder {
  /**
   * The image for `request` if it was already built (content tag present), else null. Never builds.
   * Optional: without it, every first use of a runtime goes through `ensureImage` (which is cached).
   */
  findImage?(request: ImageRequest): Promise<BuiltImage | null>;
}
