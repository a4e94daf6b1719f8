/**
 * The images under test, built through the factory when missing. An image already on the engine is
 * taken as it is (the factory's fast path, as the API's runs take it): no build, no push, so that a
 * checkout without the registry's password can bench what the engine holds.
 */

import { createImageBuilder } from '../../factory';
import type { BenchLanguage } from './bench-programs';

export type ImageBuilder = ReturnType<typeof createImageBuilder>;

export interface RuntimeImage {
  /** `python@latest`, `rust@1.63.0`: what the API is asked for. */
  spec: string;
  /** `python@3.13.5` */
  runtimeId: string;
  reference: string;
  cached: boolean;
}

export interface RuntimeUnderTest extends RuntimeImage {
  language: BenchLanguage;
}

export async function ensureRuntimeImage(builder: ImageBuilder, spec: string): Promise<RuntimeImage> {
  const request = { runtime: spec, libraries: [] };
  const built = (await builder.findImage(request)) ?? (await builder.ensureImage(request));
  return { spec, runtimeId: built.runtimeId, reference: built.reference, cached: built.cached };
}

/** The newest catalogue version of each language. */
export async function ensureRuntimeImages(languages: readonly BenchLanguage[]): Promise<RuntimeUnderTest[]> {
  const builder = createImageBuilder();
  const images: RuntimeUnderTest[] = [];
  // one at a time: two builds at once on 2 cores take as long as both in a row, and log worse
  for (const language of languages) images.push({ language, ...(await ensureRuntimeImage(builder, `${language}@latest`)) });
  return images;
}
