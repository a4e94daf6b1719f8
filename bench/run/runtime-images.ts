/**
 * The images under test: the newest catalogue version of each language, built through the factory
 * when missing (the content tag makes this a quick check when they are there).
 */

import { createImageBuilder } from '../../factory';
import type { BenchLanguage } from './bench-programs';

export interface RuntimeUnderTest {
  language: BenchLanguage;
  /** `python@latest`, what the API is asked for (and warms at start). */
  spec: string;
  /** `python@3.13.5` */
  runtimeId: string;
  reference: string;
  cached: boolean;
}

export async function ensureRuntimeImages(languages: readonly BenchLanguage[]): Promise<RuntimeUnderTest[]> {
  const builder = createImageBuilder();
  const images: RuntimeUnderTest[] = [];
  // one at a time: two builds at once on 2 cores take as long as both in a row, and log worse
  for (const language of languages) {
    const spec = `${language}@latest`;
    const built = await builder.ensureImage({ runtime: spec, libraries: [] });
    images.push({ language, spec, runtimeId: built.runtimeId, reference: built.reference, cached: built.cached });
  }
  return images;
}
