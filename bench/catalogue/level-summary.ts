/**
 * One level's numbers: latency by popularity (hot: the top of the ranking; tail: the rest), cold
 * starts against warm runs, what the budget did (evictions, peaks, memory) and every 429 judged
 * against the `/v1/capacity` sample taken just before it was answered.
 */

import type { CapacityBody } from '../../registry-api/contract';
import { summarize, type LatencySummary } from '../run/latency-stats';
import { capacityTotal, type CapacityState } from './capacity-watch';
import type { RankedVersion } from './ranked-catalogue';
import type { CatalogueRequest, LevelResult } from './traffic-level';

/** A 429 and the budget as sampled just before it was answered. */
export interface RefusalCheck {
  index: number;
  spec: string;
  errorCode: string | null;
  waitedMs: number;
  /** How old the sample was when the 429 came; null: no sample before it. */
  sampleAgeMs: number | null;
  state: CapacityState | null;
  /** Every slot held (by idle, busy, starting or stopping workers). */
  allSlotsInUse: boolean;
  /** Every slot held, and no worker idle: the only case the scheduler should refuse in. */
  allSlotsBusy: boolean;
  /** Some sample during the wait showed a free slot or an idle worker. */
  idleDuringWait: boolean;
}

export interface LevelSummary {
  concurrency: number;
  requests: number;
  ok: number;
  wrongAnswers: number;
  refused: number;
  otherErrors: number;
  errorSamples: string[];
  wallS: number;
  okPerSecond: number;
  hot: LatencySummary;
  tail: LatencySummary;
  /** Answers (wrong ones included) whose winning worker was started for them (`timings.coldStart`). */
  coldStarts: number;
  /** Those of the hot versions: past the first of each, a hot version lost its warm workers. */
  hotColdStarts: number;
  /** `timings.coldStartMs` of those. */
  coldStartMs: LatencySummary;
  /** `timings.queueMs` of those: the cold start, plus any wait for an evicted worker's slot. */
  coldQueueMs: LatencySummary;
  coldRun: LatencySummary;
  warmRun: LatencySummary;
  /** Per cold run: its latency minus the warm p50 of the same version in this level (where it has one). */
  coldPenalty: LatencySummary;
  /** Σ coldStarts and evictions of `/v1/capacity`, after minus before. */
  apiColdStarts: number;
  evictions: number;
  evictionsPerMinute: number;
  /** Idle workers of the hot versions, and of the versions with a warm floor, given up to another version. */
  hotEvictions: number;
  floorEvictions: number;
  slots: number;
  peakSlotsInUse: number;
  peakBusy: number;
  peakWaiting: number;
  /** Worker containers and their memory (null without cgroup v1 memory). */
  peakWorkers: number | null;
  peakMemoryBytes: number | null;
  /** Workers alive when the memory peaked. */
  workersAtMemoryPeak: number | null;
  refusals: RefusalCheck[];
}

const ms = (requests: readonly CatalogueRequest[]): LatencySummary => summarize(requests.map((request) => request.ms));

function coldPenalties(ok: readonly CatalogueRequest[]): number[] {
  const warmBySpec = new Map<string, number[]>();
  for (const request of ok) if (!request.coldStart) warmBySpec.set(request.spec, [...(warmBySpec.get(request.spec) ?? []), request.ms]);
  const penalties: number[] = [];
  for (const request of ok) {
    if (!request.coldStart) continue;
    const warm = warmBySpec.get(request.spec);
    if (warm) penalties.push(request.ms - summarize(warm).p50);
  }
  return penalties;
}

function checkRefusal(level: LevelResult, request: CatalogueRequest): RefusalCheck {
  let sample: LevelResult['capacitySamples'][number] | undefined;
  for (const candidate of level.capacitySamples) if (candidate.at <= request.answeredAt) sample = candidate;
  const state = sample?.value ?? null;
  const allSlotsInUse = state !== null && state.slotsInUse >= state.slots;
  const during = level.capacitySamples.filter((candidate) => candidate.at >= request.sentAt && candidate.at <= request.answeredAt);
  return {
    index: request.index,
    spec: request.spec,
    errorCode: request.errorCode,
    waitedMs: request.ms,
    sampleAgeMs: sample ? request.answeredAt - sample.at : null,
    state,
    allSlotsInUse,
    // busy: every worker slot holds a busy worker, or the host runs as many programs as it may
    allSlotsBusy: state !== null && ((allSlotsInUse && state.idle === 0) || state.running >= state.maxRunning),
    idleDuringWait: during.some(({ value }) => value.running < value.maxRunning && (value.slotsInUse < value.slots || value.idle > 0)),
  };
}

/** Σ evictions of the images `which` selects, after minus before. */
function evictionsOf(level: LevelResult, which: (image: string) => boolean): number {
  const select = (body: CapacityBody): CapacityBody => ({ ...body, images: body.images.filter((image) => which(image.image)) });
  return capacityTotal(select(level.capacityAfter), 'evictions') - capacityTotal(select(level.capacityBefore), 'evictions');
}

function max(values: readonly number[]): number {
  return values.reduce((best, value) => Math.max(best, value), 0);
}

export function summarizeLevel(level: LevelResult, ranked: readonly RankedVersion[]): LevelSummary {
  const hotImages = new Set(ranked.filter((version) => version.hot).map((version) => version.reference));
  const floorImages = new Set(ranked.filter((version) => version.floor).map((version) => version.reference));
  const ok = level.requests.filter((request) => request.outcome === 'ok');
  const failed = level.requests.filter((request) => request.outcome !== 'ok');
  // a wrong answer had its worker too: cold starts count every run answered, latencies only good answers
  const answeredCold = level.requests.filter((request) => request.httpStatus === 200 && request.coldStart);
  const cold = ok.filter((request) => request.coldStart);
  const warm = ok.filter((request) => !request.coldStart);
  const evictions = evictionsOf(level, () => true);
  const states = level.capacitySamples.map((sample) => sample.value);
  const memory = level.memorySamples;
  const memoryPeak = memory?.reduce((best, sample) => (sample.value.bytes > best.value.bytes ? sample : best), memory[0] as (typeof memory)[number]);
  return {
    concurrency: level.concurrency,
    requests: level.requests.length,
    ok: ok.length,
    wrongAnswers: failed.filter((request) => request.outcome === 'wrong_answer').length,
    refused: failed.filter((request) => request.outcome === 'refused').length,
    otherErrors: failed.filter((request) => request.outcome === 'error').length,
    errorSamples: [...new Set(failed.map((request) => `${request.spec}: ${request.message ?? request.outcome}`))].slice(0, 5),
    wallS: level.wallMs / 1000,
    okPerSecond: ok.length / (level.wallMs / 1000),
    hot: ms(ok.filter((request) => request.hot)),
    tail: ms(ok.filter((request) => !request.hot)),
    coldStarts: answeredCold.length,
    hotColdStarts: answeredCold.filter((request) => request.hot).length,
    coldStartMs: summarize(answeredCold.map((request) => request.coldStartMs)),
    coldQueueMs: summarize(answeredCold.map((request) => request.queueMs)),
    coldRun: ms(cold),
    warmRun: ms(warm),
    coldPenalty: summarize(coldPenalties(ok)),
    apiColdStarts: capacityTotal(level.capacityAfter, 'coldStarts') - capacityTotal(level.capacityBefore, 'coldStarts'),
    evictions,
    evictionsPerMinute: evictions / (level.wallMs / 60_000),
    hotEvictions: evictionsOf(level, (image) => hotImages.has(image)),
    floorEvictions: evictionsOf(level, (image) => floorImages.has(image)),
    slots: level.capacityBefore.slots,
    peakSlotsInUse: max(states.map((state) => state.slotsInUse)),
    peakBusy: max(states.map((state) => state.busy)),
    peakWaiting: max(states.map((state) => state.waiting)),
    peakWorkers: memory ? max(memory.map((sample) => sample.value.containers)) : null,
    peakMemoryBytes: memoryPeak?.value.bytes ?? null,
    workersAtMemoryPeak: memoryPeak?.value.containers ?? null,
    refusals: failed.filter((request) => request.outcome === 'refused').map((request) => checkRefusal(level, request)),
  };
}
