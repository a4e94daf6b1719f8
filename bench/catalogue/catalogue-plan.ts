/**
 * What `npm run bench:catalogue` sends, sized so that the whole bench stays under ~10 minutes on 2
 * cores (the hot versions may be compiled ones: a Java run is a second of CPU); `CODERING_BENCH_QUICK=1`
 * shrinks it to a smoke run of the bench itself.
 */

import { PLAN, scaled } from '../run/bench-plan';

export const CATALOGUE_PLAN = {
  quick: PLAN.quick,
  /** Zipf's exponent: s ≈ 1 is what popularity over a catalogue (pages, packages, languages) looks like. */
  zipfExponent: 1.1,
  /** The ranking's shuffle and the request sequence: fixed, so that runs compare. */
  rankingSeed: 1,
  sequenceSeed: 1001,
  /** The top of the ranking, reported apart from the tail. */
  hotCount: 3,
  concurrency: [1, 4, 16] as const,
  /** Requests per concurrency: the first N of one sequence, the same for every concurrency. */
  requests: scaled(240, 60),
  /** Fresh `docker run`s per baseline image, half before the c = 1 traffic and half after it. */
  baselineRuns: scaled(12, 4),
  capacitySampleMs: 250,
  memorySampleMs: 500,
  /** Each level starts when the default runtimes' floors are warm again, or after this long. */
  floorsWarmTimeoutMs: 60_000,
  readyTimeoutMs: PLAN.readyTimeoutMs,
};
