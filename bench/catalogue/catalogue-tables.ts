/**
 * The catalogue bench's tables. Latencies in ms, client side; the baseline's ratios are against the
 * `docker run` measured in this same run (on a shared machine only same-run ratios mean anything).
 */

import { formatRatio, renderTable, type Cell } from '../run/bench-table';
import { summarize, type LatencySummary } from '../run/latency-stats';
import { CATALOGUE_PLAN } from './catalogue-plan';
import type { BaselineResult } from './docker-run-baseline';
import type { LevelSummary } from './level-summary';
import type { RankedVersion } from './ranked-catalogue';
import type { CatalogueRequest } from './traffic-level';

const MiB = 1024 * 1024;

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
const mib = (bytes: number | null): number | null => (bytes === null ? null : bytes / MiB);

export function rankingTable(ranked: readonly RankedVersion[], sequence: readonly RankedVersion[]): string {
  return renderTable(
    `Popularity: Zipf s = ${CATALOGUE_PLAN.zipfExponent} over a seeded shuffle of the ${ranked.length} runtime versions (seed ${CATALOGUE_PLAN.rankingSeed}); hot = top ${CATALOGUE_PLAN.hotCount}; requests of the sequence of ${sequence.length}`,
    ['rank', 'runtime', 'class', 'floor', 'share', 'requests'],
    ranked.map((version) => [
      String(version.rank), version.spec, version.hot ? 'hot' : 'tail', version.floor ? 'warm floor' : '',
      percent(version.share), String(sequence.filter((request) => request.spec === version.spec).length),
    ]),
  );
}

export function latencyTable(levels: readonly LevelSummary[]): string {
  return renderTable(
    "1. Latency by popularity: closed loop, c clients, each version's catalogue smoke program, answers checked (ms, client side)",
    ['c', 'requests', 'ok', 'wrong', '429', 'other errors', 'wall s', 'ok/s', 'hot n', 'hot p50', 'hot p95', 'hot p99', 'tail n', 'tail p50', 'tail p95', 'tail p99'],
    levels.map((level) => [
      String(level.concurrency), String(level.requests), String(level.ok), String(level.wrongAnswers), String(level.refused), String(level.otherErrors),
      level.wallS, level.okPerSecond,
      String(level.hot.count), level.hot.p50, level.hot.p95, level.hot.p99,
      String(level.tail.count), level.tail.p50, level.tail.p95, level.tail.p99,
    ]),
  );
}

export function coldStartTable(levels: readonly LevelSummary[]): string {
  return renderTable(
    '2. Cold starts vs warm runs (ms): start = timings.coldStartMs, queue = timings.queueMs of cold runs, penalty = a good cold run minus the warm p50 of its version',
    [
      'c', 'cold starts', 'of hot', 'API cold starts', 'start p50', 'start p95', 'queue p50', 'queue p95', 'cold ok', 'cold p50', 'cold p95',
      'penalty p50', 'penalty p95', 'warm ok', 'warm p50', 'warm p95',
    ],
    levels.map((level) => [
      String(level.concurrency), String(level.coldStarts), String(level.hotColdStarts), String(level.apiColdStarts),
      level.coldStartMs.p50, level.coldStartMs.p95, level.coldQueueMs.p50, level.coldQueueMs.p95,
      String(level.coldRun.count), level.coldRun.p50, level.coldRun.p95, level.coldPenalty.p50, level.coldPenalty.p95,
      String(level.warmRun.count), level.warmRun.p50, level.warmRun.p95,
    ]),
  );
}

export function capacityTable(levels: readonly LevelSummary[]): string {
  return renderTable(
    "3. The budget under load: /v1/capacity sampled every ~250 ms, the workers' memory (cgroups) every ~500 ms; a 429 is judged against the sample just before it",
    [
      'c', 'slots', 'peak in use', 'peak busy', 'peak waiting', 'evictions', 'per min', 'of hot', 'of floor',
      'peak workers', 'peak memory MiB', 'workers then', 'MiB/worker', '429', '429 all busy', '429 with room',
    ],
    levels.map((level): Cell[] => [
      String(level.concurrency), String(level.slots), String(level.peakSlotsInUse), String(level.peakBusy), String(level.peakWaiting),
      String(level.evictions), level.evictionsPerMinute, String(level.hotEvictions), String(level.floorEvictions),
      level.peakWorkers === null ? null : String(level.peakWorkers), mib(level.peakMemoryBytes),
      level.workersAtMemoryPeak === null ? null : String(level.workersAtMemoryPeak),
      level.peakMemoryBytes !== null && level.workersAtMemoryPeak ? level.peakMemoryBytes / MiB / level.workersAtMemoryPeak : null,
      String(level.refused),
      String(level.refusals.filter((refusal) => refusal.allSlotsBusy).length),
      String(level.refusals.filter((refusal) => !refusal.allSlotsBusy || refusal.idleDuringWait).length),
    ]),
  );
}

/** Every 429, one line each: what the budget looked like just before it. */
export function refusalLines(levels: readonly LevelSummary[]): string[] {
  return levels.flatMap((level) =>
    level.refusals.map((refusal) => {
      const state = refusal.state;
      const seen = state === null
        ? 'no sample before it'
        : `${state.slotsInUse}/${state.slots} slots in use, ${state.idle} idle, ${state.busy} busy, ${state.starting} starting, ${state.waiting} waiting (sample ${Math.round(refusal.sampleAgeMs ?? 0)} ms before)`;
      const verdict = refusal.allSlotsBusy ? 'all slots or running places busy' : 'NOT all busy';
      const during = refusal.idleDuringWait ? '; a free slot or an idle worker was seen during its wait' : '';
      return `  c=${level.concurrency} #${refusal.index} ${refusal.spec} ${refusal.errorCode ?? ''} after ${Math.round(refusal.waitedMs)} ms: ${seen}: ${verdict}${during}`;
    }),
  );
}

function oursOn(requests: readonly CatalogueRequest[], spec: string, cold: boolean): LatencySummary {
  return summarize(requests.filter((request) => request.outcome === 'ok' && request.spec === spec && request.coldStart === cold).map((request) => request.ms));
}

export function baselineTable(baseline: readonly BaselineResult[], oursAtOne: readonly CatalogueRequest[]): string {
  return renderTable(
    "4. Baseline: a fresh hardened `docker run --rm -i … --once` per request vs ours at c = 1 on the same version and smoke program (ms; ratios of p50s)",
    ['runtime', 'rank', 'class', 'docker n', 'docker p50', 'docker p95', 'warm n', 'warm p50', 'warm p95', 'cold n', 'cold p50', 'cold p95', 'cold/docker', 'warm/docker', 'docker errors'],
    baseline.map((row): Cell[] => {
      const warm = oursOn(oursAtOne, row.spec, false);
      const cold = oursOn(oursAtOne, row.spec, true);
      return [
        row.spec, String(row.rank), row.hot ? 'hot' : 'tail',
        String(row.latency.count), row.latency.p50, row.latency.p95,
        String(warm.count), warm.p50, warm.p95, String(cold.count), cold.p50, cold.p95,
        formatRatio(cold.p50 / row.latency.p50), formatRatio(warm.p50 / row.latency.p50), String(row.errors),
      ];
    }),
  );
}
