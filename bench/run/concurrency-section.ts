/**
 * Section 3, the peers' model against ours at concurrency 1, 4 and 16: a fresh hardened `docker run
 * --once` per request versus `POST /v1/run` on warm workers (pair racing, and single for contrast:
 * on 2 cores a busy machine has no spare core for the second racer). Hello world only: the
 * difference is in starting a run, and the peers' side costs ~1 s of a core per run, which the
 * ten-minute budget has to pay for every row.
 */

import { PLAN } from './bench-plan';
import { benchProgram, type BenchLanguage } from './bench-programs';
import { boundedBatch, type BatchResult } from './bounded-batch';
import { summarize, type LatencySummary } from './latency-stats';
import { peerOnceRun } from './peer-once-run';
import { runOurs } from './run-client';
import type { RuntimeUnderTest } from './runtime-images';

/** `ours` races in pairs (the default); `ours-single` shows what the second worker costs under load. */
export type Contender = 'peers' | 'ours' | 'ours-single';

export interface ConcurrencyResult {
  language: BenchLanguage;
  contender: Contender;
  concurrency: number;
  runs: number;
  latency: LatencySummary;
  runsPerSecond: number;
  errors: number;
  errorSamples: string[];
}

function toResult(language: BenchLanguage, contender: Contender, concurrency: number, batch: BatchResult<number>): ConcurrencyResult {
  return {
    language,
    contender,
    concurrency,
    runs: batch.values.length + batch.errors,
    latency: summarize(batch.values),
    // every run counts for the wall time, but only good answers count as work done
    runsPerSecond: batch.values.length / (batch.wallMs / 1000),
    errors: batch.errors,
    errorSamples: batch.errorSamples,
  };
}

export async function concurrencySection(baseUrl: string, runtimes: readonly RuntimeUnderTest[]): Promise<ConcurrencyResult[]> {
  const results: ConcurrencyResult[] = [];
  for (const runtime of runtimes) {
    const program = benchProgram(runtime.language, 'hello');
    const peers = (index: number): Promise<number> => peerOnceRun(runtime.reference, program, `bench-once-${index}`);
    const ours = async (): Promise<number> => (await runOurs(baseUrl, runtime.spec, program, 'pair')).ms;
    const oursSingle = async (): Promise<number> => (await runOurs(baseUrl, runtime.spec, program, 'single')).ms;
    // the first `docker run` of an image pays for its layers' first read: not part of the model
    await boundedBatch(2, 1, peers);
    await boundedBatch(PLAN.warmup, 1, ours);
    for (const concurrency of PLAN.concurrency) {
      const peersBatch = await boundedBatch(PLAN.peersRuns[concurrency] ?? 0, concurrency, peers);
      results.push(toResult(runtime.language, 'peers', concurrency, peersBatch));
      const oursBatch = await boundedBatch(PLAN.oursRuns[concurrency] ?? 0, concurrency, ours);
      results.push(toResult(runtime.language, 'ours', concurrency, oursBatch));
      const singleBatch = await boundedBatch(PLAN.oursRuns[concurrency] ?? 0, concurrency, oursSingle);
      results.push(toResult(runtime.language, 'ours-single', concurrency, singleBatch));
    }
  }
  return results;
}
