/**
 * Section 4, pair vs hedged vs single: latency, and what each costs in CPU per run: the workers'
 * (cgroup v1 cpuacct of the API's worker containers, losers of races included) and the API
 * process's own. Sequential with the short pause, so that every run finds a warm worker idle.
 */

import { RACE_MODES, type RaceMode } from '../../registry-api/config';
import { PLAN } from './bench-plan';
import { benchProgram, type BenchLanguage } from './bench-programs';
import { boundedBatch, emptyBatch, mergeBatch, type BatchResult } from './bounded-batch';
import { summarize, type LatencySummary } from './latency-stats';
import { runOurs, type OurRun } from './run-client';
import type { RuntimeUnderTest } from './runtime-images';
import { cgroupV1Available } from './worker-cgroups';
import { cpuDelta, workerCpuSnapshot } from './worker-cpu';

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

/** One mode's runs and what they cost, summed over the rounds. */
interface ModeTally {
  batch: BatchResult<OurRun>;
  workerCpuMs: number;
  churn: number;
  apiCpuS: number;
}

/**
 * Modes are measured in interleaved rounds (a block of each, again and again) so that all three see
 * the same drift of this shared machine's load; CPU is read around every block and summed.
 */
export async function raceModesSection(api: ApiUnderTest, runtimes: readonly RuntimeUnderTest[]): Promise<RaceModeResult[]> {
  const results: RaceModeResult[] = [];
  const withCgroups = cgroupV1Available();
  const rounds = Math.ceil(PLAN.modeRuns / PLAN.block);
  for (const runtime of runtimes) {
    const program = benchProgram(runtime.language, 'hello');
    const tallies = new Map<RaceMode, ModeTally>(RACE_MODES.map((mode) => [mode, { batch: emptyBatch<OurRun>(), workerCpuMs: 0, churn: 0, apiCpuS: 0 }]));
    for (const mode of RACE_MODES) await boundedBatch(PLAN.warmup, 1, () => runOurs(api.baseUrl, runtime.spec, program, mode), PLAN.pauseMs);
    for (let round = 0; round < rounds; round += 1) {
      for (const mode of RACE_MODES) {
        const tally = tallies.get(mode) as ModeTally;
        const workersBefore = withCgroups ? await workerCpuSnapshot(api.workerFilters()) : null;
        const apiBefore = api.cpuSeconds();
        const batch = await boundedBatch(PLAN.block, 1, () => runOurs(api.baseUrl, runtime.spec, program, mode), PLAN.pauseMs);
        // the last loser's cancellation ends within the pause: read after it, so its CPU is counted
        tally.apiCpuS += api.cpuSeconds() - apiBefore;
        if (workersBefore) {
          const delta = cpuDelta(workersBefore, await workerCpuSnapshot(api.workerFilters()));
          tally.workerCpuMs += delta.ms;
          tally.churn += delta.churn;
        }
        mergeBatch(tally.batch, batch);
      }
    }
    for (const mode of RACE_MODES) {
      const { batch, workerCpuMs, churn, apiCpuS } = tallies.get(mode) as ModeTally;
      const runs = batch.values.length + batch.errors;
      results.push({
        language: runtime.language,
        mode,
        latency: summarize(batch.values.map((run) => run.ms)),
        workerCpuMsPerRun: withCgroups ? workerCpuMs / runs : null,
        workerChurn: churn,
        apiCpuMsPerRun: (apiCpuS * 1000) / runs,
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
