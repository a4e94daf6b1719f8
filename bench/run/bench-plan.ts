/**
 * How many runs each section makes. Bounded counts, sized so that the whole bench stays under ~10
 * minutes on 2 cores; `CODERING_BENCH_QUICK=1` divides them for a smoke run of the bench itself.
 */

import { coderingConfig } from '../../config';

const quick = coderingConfig().bench.quick;
/** `full`, or `small` in quick mode. */
export const scaled = (full: number, small: number): number => (quick ? small : full);

export const PLAN = {
  quick,
  warmup: scaled(5, 2),
  /** Sections 1 and 2: sequential samples per runtime and program. */
  sequential: scaled(50, 8),
  /** Sections 1 and 2 take their samples in interleaved blocks of this many (see sequential-section.ts). */
  block: scaled(10, 4),
  /** Section 2: the pause between two requests, for the prewarmed interpreter to be up again. */
  pauseMs: 50,
  /** Section 3: runs per concurrency level. */
  concurrency: [1, 4, 16] as const,
  oursRuns: { 1: scaled(40, 8), 4: scaled(80, 12), 16: scaled(80, 16) } as Record<number, number>,
  peersRuns: { 1: scaled(20, 4), 4: scaled(40, 8), 16: scaled(48, 16) } as Record<number, number>,
  /** Section 4: sequential runs per mode and runtime. */
  modeRuns: scaled(50, 8),
  /** The first build of three runtimes on a fresh machine is minutes; a warm-up of pools, seconds. */
  readyTimeoutMs: 10 * 60_000,
};
