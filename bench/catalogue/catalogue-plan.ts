/**
 * What `npm run bench:catalogue` sends, sized so that the whole bench stays under ~10 minutes on 2
 * shared cores: the seeded ranking puts Java and Go at the top, so half the requests compile (a Java
 * smoke run is ~2 s at c = 1 on a loaded machine; 240 requests a level took 13 minutes in all).
 * `CODERING_BENCH_QUICK=1` shrinks it to a smoke run of the bench itself.
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
  requests: scaled(150, 60),
  /** Fresh `docker run`s per baseline image, half before the c = 1 traffic and half after it. */
  baselineRuns: scaled(12, 4),
  capacitySampleMs: 250,
  memorySampleMs: 500,
  /** Each level starts when the default runtimes' floors are warm again, or after this long. */
  floorsWarmTimeoutMs: 60_000,
  readyTimeoutMs: PLAN.readyTimeoutMs,
};
