/**
 * The four sections as printed tables, each row set against its reference measured in this same run
 * (the floor, the peers' model, single mode): on a shared, noisy machine only same-run ratios mean
 * anything.
 */

import { formatRatio, renderTable, type Cell } from './bench-table';
import type { ConcurrencyResult } from './concurrency-section';
import type { RaceModeResult } from './race-modes-section';
import type { FloorResult, OursSequentialResult } from './sequential-section';

/** The overhead of ours over the floor that the project aims for, at p50. */
export const OVERHEAD_TARGET_MS = 15;

function floorOf(floor: readonly FloorResult[], language: string, program: string): FloorResult | undefined {
  return floor.find((row) => row.language === language && row.program === program);
}

export function floorTable(floor: readonly FloorResult[]): string {
  return renderTable(
    '1. The floor: bare interpreter run by a shell loop inside a hardened container of the image (ms; interleaved with section 2)',
    ['runtime', 'program', 'n', 'p50', 'p95', 'mean', 'min', 'max', 'errors'],
    floor.map((row) => [
      row.language, row.program, String(row.latency.count), row.latency.p50, row.latency.p95, row.latency.mean,
      row.latency.min, row.latency.max, String(row.errors),
    ]),
  );
}

export function oursSequentialTable(ours: readonly OursSequentialResult[], floor: readonly FloorResult[]): string {
  return renderTable(
    `2. Ours end to end: sequential POST /v1/run over HTTP, pair racing (ms; overhead = ours p50 − floor p50, target ≤ ${OVERHEAD_TARGET_MS})`,
    ['runtime', 'program', 'pause', 'n', 'p50', 'p95', 'api p50', 'proxy run p50', 'floor p50', 'overhead p50', 'vs floor', 'target', 'errors'],
    ours.map((row): Cell[] => {
      const reference = floorOf(floor, row.language, row.program);
      const overhead = reference ? row.latency.p50 - reference.latency.p50 : Number.NaN;
      return [
        row.language, row.program, `${row.pauseMs} ms`, String(row.latency.count), row.latency.p50, row.latency.p95,
        row.serverTotal.p50, row.run.p50, reference?.latency.p50 ?? null, overhead,
        formatRatio(reference ? row.latency.p50 / reference.latency.p50 : Number.NaN),
        Number.isFinite(overhead) ? (overhead <= OVERHEAD_TARGET_MS ? 'met' : 'MISSED') : '–',
        String(row.errors),
      ];
    }),
  );
}

export function concurrencyTable(results: readonly ConcurrencyResult[]): string {
  const rows: Cell[][] = [];
  const find = (contender: string, language: string, concurrency: number): ConcurrencyResult | undefined =>
    results.find((row) => row.contender === contender && row.language === language && row.concurrency === concurrency);
  for (const peers of results.filter((row) => row.contender === 'peers')) {
    const ours = find('ours', peers.language, peers.concurrency);
    const single = find('ours-single', peers.language, peers.concurrency);
    if (!ours) continue;
    rows.push([
      peers.language, String(peers.concurrency),
      `${peers.runs}/${ours.runs}`,
      peers.latency.p50, ours.latency.p50, formatRatio(peers.latency.p50 / ours.latency.p50),
      peers.latency.p95, ours.latency.p95,
      peers.runsPerSecond, ours.runsPerSecond, formatRatio(ours.runsPerSecond / peers.runsPerSecond),
      single?.latency.p50 ?? null, single?.runsPerSecond ?? null,
      `${peers.errors}/${ours.errors}/${single?.errors ?? '–'}`,
    ]);
  }
  return renderTable(
    "3. The peers' model (docker run --rm -i … --once per request) vs ours (warm workers, pair racing; single for contrast), hello world",
    [
      'runtime', 'c', 'runs p/o', 'peers p50', 'ours p50', 'p50 peers/ours', 'peers p95', 'ours p95', 'peers runs/s', 'ours runs/s',
      'runs/s ours/peers', 'single p50', 'single runs/s', 'errors p/o/s',
    ],
    rows,
  );
}

export function raceModesTable(results: readonly RaceModeResult[], floor: readonly FloorResult[]): string {
  return renderTable(
    '4. Race modes, sequential hello world with the pause: latency (ms) and CPU per run (ms of CPU)',
    ['runtime', 'mode', 'n', 'p50', 'p95', 'over floor p50', 'p50 vs single', 'worker cpu/run', 'cpu vs single', 'api cpu/run', '2 workers', 'won by 2nd', 'errors'],
    results.map((row): Cell[] => {
      const single = results.find((other) => other.language === row.language && other.mode === 'single');
      const reference = floorOf(floor, row.language, 'hello');
      const cpuRatio = row.workerCpuMsPerRun !== null && single?.workerCpuMsPerRun ? row.workerCpuMsPerRun / single.workerCpuMsPerRun : Number.NaN;
      return [
        row.language, row.mode, String(row.latency.count), row.latency.p50, row.latency.p95,
        reference ? row.latency.p50 - reference.latency.p50 : null,
        formatRatio(single ? row.latency.p50 / single.latency.p50 : Number.NaN),
        row.workerCpuMsPerRun, formatRatio(cpuRatio), row.apiCpuMsPerRun,
        String(row.twoWorkers), String(row.secondWinner), String(row.errors),
      ];
    }),
  );
}

/** Every error message met, so that a non-zero count in a table is explained right below it. */
export function errorLines(sections: readonly { label: string; errorSamples: string[]; errors: number }[]): string[] {
  return sections.filter((row) => row.errors > 0).map((row) => `  ${row.label}: ${row.errors} error(s); e.g. ${row.errorSamples.join(' | ')}`);
}
