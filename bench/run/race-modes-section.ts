/**
 * Section 4, pair vs hedged vs single: latency, and what each costs in CPU per run: the workers'
 * (cgroup v1 cpuacct of the API's worker containers, losers of races included) and the API
 * process's own. Sequential with the short pause, so that each mode sees the same warm workers.
 */

import { PLAN } from './bench-plan';
import { benchProgram, type BenchLanguage } from './bench-programs';
import { boundedBatch } from './bounded-batch';
import { summarize, type LatencySummary } from './latency-stats';
import { runOurs, type OurRun, type RaceMode } from './run-client';
import type { RuntimeUnderTest } from './runtime-images';
import { cgroupV1Available, cpuDelta, workerCpuSnapshot } from './worker-cpu';

export const RACE_MODES: readonly RaceMode[] = ['pair', 'hedged', 'single'];

export interface RaceModeResult {
  language: BenchLanguage;
  mode: RaceMode;
  latency: LatencySummary;
  /** Worker containers' CPU per run, ms; null without cgroup v1. */
  workerCpuMsPerRun: number | null;
  workerChurn: number;
  apiCpuMsPerRun: number;
  /** Runs in which a second worker received the request (pair: all; hedged: those slower than the delay). */
  twoWorkers: number;
  /** Runs won by the second worker. */
  secondWinner: number;
  fallbacks: number;
  errors: number;
  errorSamples: string[];
}

export interface ApiUnderTest {
  baseUrl: string;
  workerFilters(): string[];
  cpuSeconds(): number;
}

export async function raceModesSection(api: ApiUnderTest, runtimes: readonly RuntimeUnderTest[]): Promise<RaceModeResult[]> {
  const results: RaceModeResult[] = [];
  const withCgroups = cgroupV1Available();
  for (const runtime of runtimes) {
    const program = benchProgram(runtime.language, 'hello');
    for (const mode of RACE_MODES) {
      const once = (): Promise<OurRun> => runOurs(api.baseUrl, runtime.spec, program, mode);
      await boundedBatch(PLAN.warmup, 1, once, PLAN.pauseMs);
      const workersBefore = withCgroups ? await workerCpuSnapshot(api.workerFilters()) : null;
      const apiBefore = api.cpuSeconds();
      const batch = await boundedBatch(PLAN.modeRuns, 1, once, PLAN.pauseMs);
      // the last loser's cancellation ends within the pause: read after it, so its CPU is counted
      const apiAfter = api.cpuSeconds();
      const workersAfter = withCgroups ? await workerCpuSnapshot(api.workerFilters()) : null;
      const runs = batch.values.length + batch.errors;
      const workers = workersBefore && workersAfter ? cpuDelta(workersBefore, workersAfter) : null;
      results.push({
        language: runtime.language,
        mode,
        latency: summarize(batch.values.map((run) => run.ms)),
        workerCpuMsPerRun: workers ? workers.ms / runs : null,
        workerChurn: workers?.churn ?? 0,
        apiCpuMsPerRun: ((apiAfter - apiBefore) * 1000) / runs,
        twoWorkers: batch.values.filter((run) => run.workers >= 2).length,
        secondWinner: batch.values.filter((run) => run.winner === 2).length,
        fallbacks: batch.values.filter((run) => run.fallback).length,
        errors: batch.errors,
        errorSamples: batch.errorSamples,
      });
    }
  }
  return results;
}
