/**
 * Section 2, ours end to end over HTTP: sequential `POST /v1/run` (pair racing, the default), with no
 * pause and with a short one. Without a pause, the next request may find the worker still replacing
 * its prewarmed interpreter; with it, every request finds one waiting, as a student's clicks would.
 */

import { PLAN } from './bench-plan';
import { benchProgram, PROGRAM_NAMES, type BenchLanguage, type ProgramName } from './bench-programs';
import { boundedBatch } from './bounded-batch';
import { summarize, type LatencySummary } from './latency-stats';
import { runOurs, type OurRun } from './run-client';
import type { RuntimeUnderTest } from './runtime-images';

export interface OursSequentialResult {
  language: BenchLanguage;
  program: ProgramName;
  pauseMs: number;
  latency: LatencySummary;
  /** The executor's total as the API reports it: the client's latency minus HTTP and JSON. */
  serverTotal: LatencySummary;
  /** The program's wall time inside the proxy. */
  run: LatencySummary;
  winnerSecond: number;
  fallbacks: number;
  errors: number;
  errorSamples: string[];
  samples: number[];
}

export async function oursSequentialSection(baseUrl: string, runtimes: readonly RuntimeUnderTest[]): Promise<OursSequentialResult[]> {
  const results: OursSequentialResult[] = [];
  for (const runtime of runtimes) {
    for (const name of PROGRAM_NAMES) {
      const program = benchProgram(runtime.language, name);
      for (const pauseMs of [0, PLAN.pauseMs]) {
        const once = (): Promise<OurRun> => runOurs(baseUrl, runtime.spec, program, 'pair');
        await boundedBatch(PLAN.warmup, 1, once, pauseMs);
        const batch = await boundedBatch(PLAN.sequential, 1, once, pauseMs);
        results.push({
          language: runtime.language,
          program: name,
          pauseMs,
          latency: summarize(batch.values.map((run) => run.ms)),
          serverTotal: summarize(batch.values.map((run) => run.serverTotalMs)),
          run: summarize(batch.values.map((run) => run.runMs)),
          winnerSecond: batch.values.filter((run) => run.winner === 2).length,
          fallbacks: batch.values.filter((run) => run.fallback).length,
          errors: batch.errors,
          errorSamples: batch.errorSamples,
          samples: batch.values.map((run) => run.ms),
        });
      }
    }
  }
  return results;
}
