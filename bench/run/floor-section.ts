/** Section 1, the floor: the bare interpreter per runtime and program, timed through the in-container loop. */

import { checkAnswer } from './answer-check';
import { PLAN } from './bench-plan';
import { benchProgram, PROGRAM_NAMES, type BenchLanguage, type ProgramName } from './bench-programs';
import { boundedBatch } from './bounded-batch';
import { FloorLoop } from './floor-loop';
import { summarize, type LatencySummary } from './latency-stats';
import type { RuntimeUnderTest } from './runtime-images';

export interface FloorResult {
  language: BenchLanguage;
  program: ProgramName;
  latency: LatencySummary;
  errors: number;
  errorSamples: string[];
  samples: number[];
}

export async function floorSection(runtimes: readonly RuntimeUnderTest[]): Promise<FloorResult[]> {
  const results: FloorResult[] = [];
  for (const runtime of runtimes) {
    const programs = PROGRAM_NAMES.map((name) => benchProgram(runtime.language, name));
    const loop = await FloorLoop.start(runtime.reference, programs);
    try {
      for (const program of programs) {
        const once = async (): Promise<number> => {
          const iteration = await loop.run(program);
          checkAnswer(program, iteration.exitCode === 0 ? 'ok' : `exit ${iteration.exitCode}`, iteration.stdout);
          return iteration.ms;
        };
        await boundedBatch(PLAN.warmup, 1, once);
        const batch = await boundedBatch(PLAN.sequential, 1, once);
        results.push({
          language: runtime.language,
          program: program.name,
          latency: summarize(batch.values),
          errors: batch.errors,
          errorSamples: batch.errorSamples,
          samples: batch.values,
        });
      }
    } finally {
      loop.stop();
    }
  }
  return results;
}
