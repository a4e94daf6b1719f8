/**
 * Sections 1 and 2 together: the floor (the bare interpreter, started by the in-container loop) and
 * ours end to end (sequential `POST /v1/run`, pair racing, with no pause and with a short one), per
 * runtime and program.
 *
 * Why interleaved: this machine is shared, and its load moves by a factor of several within a minute.
 * Measured one after the other, the floor and ours would each see a different machine and their
 * difference would be mostly noise. So the samples are taken in rounds — a block of floor runs, a
 * block of ours without pause, a block with the pause — and every side sees the same load drift.
 *
 * Why the pause: without it, the next request may find the worker still replacing its prewarmed
 * interpreter; with it, every request finds one waiting, as a student's clicks would.
 */

import { checkAnswer } from './answer-check';
import { PLAN } from './bench-plan';
import { benchProgram, PROGRAM_NAMES, type BenchLanguage, type ProgramName } from './bench-programs';
import { boundedBatch, emptyBatch, mergeBatch, type BatchResult } from './bounded-batch';
import { FloorLoop } from './floor-loop';
import { summarize, type LatencySummary } from './latency-stats';
import { runOurs, type OurRun } from './run-client';
import type { RuntimeUnderTest } from './runtime-images';

export interface FloorResult {
  language: BenchLanguage;
  program: ProgramName;
  latency: LatencySummary;
  errors: number;
  errorSamples: string[];
  samples: number[];
}

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

export interface SequentialResults {
  floor: FloorResult[];
  ours: OursSequentialResult[];
}

function oursResult(language: BenchLanguage, program: ProgramName, pauseMs: number, batch: BatchResult<OurRun>): OursSequentialResult {
  return {
    language,
    program,
    pauseMs,
    latency: summarize(batch.values.map((run) => run.ms)),
    serverTotal: summarize(batch.values.map((run) => run.serverTotalMs)),
    run: summarize(batch.values.map((run) => run.runMs)),
    winnerSecond: batch.values.filter((run) => run.winner === 2).length,
    fallbacks: batch.values.filter((run) => run.fallback).length,
    errors: batch.errors,
    errorSamples: batch.errorSamples,
    samples: batch.values.map((run) => run.ms),
  };
}

export async function sequentialSections(baseUrl: string, runtimes: readonly RuntimeUnderTest[]): Promise<SequentialResults> {
  const results: SequentialResults = { floor: [], ours: [] };
  const pauses = [0, PLAN.pauseMs];
  const rounds = Math.ceil(PLAN.sequential / PLAN.block);
  for (const runtime of runtimes) {
    const programs = PROGRAM_NAMES.map((name) => benchProgram(runtime.language, name));
    const loop = await FloorLoop.start(runtime.reference, programs);
    try {
      for (const program of programs) {
        const floorOnce = async (): Promise<number> => {
          const iteration = await loop.run(program);
          checkAnswer(program, iteration.exitCode === 0 ? 'ok' : `exit ${iteration.exitCode}`, iteration.stdout);
          return iteration.ms;
        };
        const oursOnce = (): Promise<OurRun> => runOurs(baseUrl, runtime.spec, program, 'pair');
        await boundedBatch(PLAN.warmup, 1, floorOnce);
        await boundedBatch(PLAN.warmup, 1, oursOnce);
        const floor = emptyBatch<number>();
        const ours = pauses.map(() => emptyBatch<OurRun>());
        for (let round = 0; round < rounds; round += 1) {
          mergeBatch(floor, await boundedBatch(PLAN.block, 1, floorOnce));
          for (const [index, pauseMs] of pauses.entries()) {
            mergeBatch(ours[index] as BatchResult<OurRun>, await boundedBatch(PLAN.block, 1, oursOnce, pauseMs));
          }
        }
        results.floor.push({
          language: runtime.language,
          program: program.name,
          latency: summarize(floor.values),
          errors: floor.errors,
          errorSamples: floor.errorSamples,
          samples: floor.values,
        });
        for (const [index, pauseMs] of pauses.entries()) {
          results.ours.push(oursResult(runtime.language, program.name, pauseMs, ours[index] as BatchResult<OurRun>));
        }
      }
    } finally {
      loop.stop();
    }
  }
  return results;
}
