/**
 * One concurrency level of the traffic, on an API of its own: `concurrency` clients in a closed loop
 * (each sends its next request when the previous one is answered) over the fixed request sequence.
 * A fresh API per level, started with the defaults (the default budget, the default race mode), so
 * that every level starts from the same state — the default runtimes' floors warm, nothing else —
 * and no level inherits the workers the previous one warmed.
 */

import { performance } from 'node:perf_hooks';
import type { CapacityBody, ErrorBody, RunResponse } from '../../registry-api/contract';
import { checkAnswer } from '../run/answer-check';
import { ApiProcess } from '../run/api-process';
import { boundedBatch } from '../run/bounded-batch';
import type { CleanupStack } from '../run/cleanup-stack';
import { postRun } from '../run/run-client';
import { cgroupV1Available } from '../run/worker-cgroups';
import { workerMemory, type WorkerMemory } from '../run/worker-memory';
import { CATALOGUE_PLAN } from './catalogue-plan';
import { capacityState, fetchCapacity, Sampler, type CapacityState, type WatchedApi } from './capacity-watch';
import type { RankedVersion } from './ranked-catalogue';

export type Outcome = 'ok' | 'wrong_answer' | 'refused' | 'error';

export interface CatalogueRequest {
  index: number;
  rank: number;
  spec: string;
  hot: boolean;
  /** ms since the level's traffic started. */
  sentAt: number;
  answeredAt: number;
  /** Client-side latency. */
  ms: number;
  httpStatus: number | null;
  outcome: Outcome;
  /** The API's error code (`queue_full`, `not_ready`), or what failed. */
  errorCode: string | null;
  message: string | null;
  coldStart: boolean;
  coldStartMs: number;
  queueMs: number;
  mode: string | null;
  workers: number;
}

export interface LevelResult {
  concurrency: number;
  apiReadyMs: number;
  /** How long the default runtimes' floors took to be warm (null: not within the plan's limit). */
  floorsWarmMs: number | null;
  wallMs: number;
  requests: CatalogueRequest[];
  capacityBefore: CapacityBody;
  capacityAfter: CapacityBody;
  capacitySamples: { at: number; value: CapacityState }[];
  capacitySampleFailures: number;
  /** null without a cgroup v1 memory hierarchy. */
  memorySamples: { at: number; value: WorkerMemory }[] | null;
  memorySampleFailures: number;
  apiLog: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until every image with a floor has it idle; returns how long that took, or null past the limit. */
async function waitForFloors(api: WatchedApi): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < CATALOGUE_PLAN.floorsWarmTimeoutMs) {
    const { images } = await fetchCapacity(api);
    const floors = images.filter((image) => (image.floor ?? 0) > 0);
    if (floors.length > 0 && floors.every((image) => image.idle >= (image.floor ?? 0))) return Math.round(performance.now() - started);
    await sleep(CATALOGUE_PLAN.capacitySampleMs);
  }
  return null;
}

function errorCodeOf(text: string): string | null {
  try {
    return (JSON.parse(text) as ErrorBody).error.code;
  } catch {
    return null;
  }
}

async function sendOne(baseUrl: string, version: RankedVersion, index: number, clock: () => number): Promise<CatalogueRequest> {
  const sentAt = clock();
  const request: CatalogueRequest = {
    index, rank: version.rank, spec: version.spec, hot: version.hot, sentAt, answeredAt: sentAt, ms: 0,
    httpStatus: null, outcome: 'error', errorCode: null, message: null, coldStart: false, coldStartMs: 0, queueMs: 0, mode: null, workers: 0,
  };
  try {
    const attempt = await postRun(baseUrl, version.spec, version.smoke);
    Object.assign(request, { answeredAt: clock(), ms: attempt.ms, httpStatus: attempt.status });
    if (attempt.status !== 200) {
      request.outcome = attempt.status === 429 ? 'refused' : 'error';
      request.errorCode = errorCodeOf(attempt.text);
      request.message = `HTTP ${attempt.status}: ${attempt.text.slice(0, 300)}`;
      return request;
    }
    const body = JSON.parse(attempt.text) as RunResponse;
    Object.assign(request, {
      coldStart: body.timings.coldStart, coldStartMs: body.timings.coldStartMs, queueMs: body.timings.queueMs,
      mode: body.race.mode, workers: body.race.workers,
    });
    try {
      checkAnswer(version.smoke, body.status, body.stdout);
    } catch (error) {
      // what the program or its compiler said: the reason a wrong answer is wrong
      const compile = body.compile
        ? `compile ${Math.round(body.timings.compileMs)} ms, exit ${body.compile.exitCode}, stderr ${JSON.stringify(body.compile.stderr.slice(0, 150))}; `
        : '';
      const run = `run exit ${body.exitCode}${body.signal ? ` (${body.signal})` : ''}, stderr ${JSON.stringify(body.stderr.slice(0, 150))}`;
      throw new Error(`${error instanceof Error ? error.message : String(error)}; ${compile}${run}`);
    }
    request.outcome = 'ok';
  } catch (error) {
    if (request.httpStatus === null) {
      // no answer at all (the connection failed, or the client's deadline passed)
      request.answeredAt = clock();
      request.ms = request.answeredAt - sentAt;
    } else {
      request.outcome = 'wrong_answer';
    }
    request.message = error instanceof Error ? error.message : String(error);
  }
  return request;
}

export async function trafficLevel(
  concurrency: number,
  sequence: readonly RankedVersion[],
  logFile: string,
  cleanups: CleanupStack,
): Promise<LevelResult> {
  const api = await ApiProcess.start(logFile);
  cleanups.push(`API process (c = ${concurrency})`, () => api.stop());
  try {
    const apiReadyMs = await api.waitReady(CATALOGUE_PLAN.readyTimeoutMs);
    const floorsWarmMs = await waitForFloors(api);
    const capacityBefore = await fetchCapacity(api);
    const origin = performance.now();
    const clock = (): number => performance.now() - origin;
    const capacity = new Sampler(async () => capacityState(await fetchCapacity(api)), CATALOGUE_PLAN.capacitySampleMs, clock);
    const memory = cgroupV1Available('memory') ? new Sampler(() => workerMemory(api.workerFilters()), CATALOGUE_PLAN.memorySampleMs, clock) : null;
    // every request is answered with a record (a refusal, a wrong answer included): the batch counts no errors
    const batch = await boundedBatch(sequence.length, concurrency, (index) => sendOne(api.baseUrl, sequence[index] as RankedVersion, index, clock));
    await Promise.all([capacity.stop(), memory?.stop()]);
    const capacityAfter = await fetchCapacity(api);
    return {
      concurrency,
      apiReadyMs,
      floorsWarmMs,
      wallMs: batch.wallMs,
      requests: batch.values.sort((a, b) => a.index - b.index),
      capacityBefore,
      capacityAfter,
      capacitySamples: capacity.samples,
      capacitySampleFailures: capacity.failures,
      memorySamples: memory?.samples ?? null,
      memorySampleFailures: memory?.failures ?? 0,
      apiLog: logFile,
    };
  } finally {
    await api.stop();
  }
}
