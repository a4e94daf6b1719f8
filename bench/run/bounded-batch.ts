/**
 * A fixed number of runs at a fixed concurrency: `concurrency` loops take the next index until
 * `count` have started. Bounded by construction; failures are counted with their first message,
 * never retried (a retry would hide the failure rate we want to see).
 */

import { performance } from 'node:perf_hooks';

export interface BatchResult<T> {
  values: T[];
  errors: number;
  /** The first few distinct error messages, to report. */
  errorSamples: string[];
  wallMs: number;
}

export async function boundedBatch<T>(
  count: number,
  concurrency: number,
  job: (index: number) => Promise<T>,
  pauseMs = 0,
): Promise<BatchResult<T>> {
  const values: T[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      try {
        values.push(await job(index));
      } catch (error) {
        errors += 1;
        const message = error instanceof Error ? error.message : String(error);
        if (errorSamples.length < 3 && !errorSamples.includes(message)) errorSamples.push(message);
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { values, errors, errorSamples, wallMs: performance.now() - started };
}

/** Adds `more` to `into`: the rounds of an interleaved measurement become one sample set. */
export function mergeBatch<T>(into: BatchResult<T>, more: BatchResult<T>): void {
  into.values.push(...more.values);
  into.errors += more.errors;
  for (const message of more.errorSamples) if (into.errorSamples.length < 3 && !into.errorSamples.includes(message)) into.errorSamples.push(message);
  into.wallMs += more.wallMs;
}

export function emptyBatch<T>(): BatchResult<T> {
  return { values: [], errors: 0, errorSamples: [], wallMs: 0 };
}
