/**
 * What the bench watches while the traffic runs: `GET /v1/capacity` every ~250 ms (to judge each 429
 * against the budget's state just before it) and the workers' memory every ~500 ms (cgroups, see
 * bench/run/worker-memory.ts). Each sampler takes one reading at a time, never overlapping, and
 * stops within one interval.
 */

import type { CapacityBody } from '../../registry-api/contract';

const CAPACITY_TIMEOUT_MS = 5000;

/** The API a bench watches: where it listens, and an admin key (capacity is an operator's view). */
export interface WatchedApi {
  baseUrl: string;
  adminAuthorization: string;
}

export async function fetchCapacity(api: WatchedApi): Promise<CapacityBody> {
  const response = await fetch(`${api.baseUrl}/v1/capacity`, {
    headers: { authorization: api.adminAuthorization },
    signal: AbortSignal.timeout(CAPACITY_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`GET /v1/capacity: HTTP ${response.status}`);
  return (await response.json()) as CapacityBody;
}

/** The budget in one line: what a 429 is judged against. */
export interface CapacityState {
  slots: number;
  slotsInUse: number;
  idle: number;
  busy: number;
  /** Programs running, and the host's cap on them (CODERING_MAX_RUNNING). */
  running: number;
  maxRunning: number;
  starting: number;
  waiting: number;
}

export function capacityState(body: CapacityBody): CapacityState {
  const sum = (field: 'idle' | 'busy' | 'starting'): number => body.images.reduce((total, image) => total + image[field], 0);
  return {
    slots: body.slots,
    slotsInUse: body.slotsInUse,
    running: body.running,
    maxRunning: body.limits.maxRunning,
    idle: sum('idle'),
    busy: sum('busy'),
    starting: sum('starting'),
    waiting: body.waiting,
  };
}

/** Σ of a per-image counter, every image together. */
export function capacityTotal(body: CapacityBody, field: 'coldStarts' | 'evictions'): number {
  return body.images.reduce((total, image) => total + (image[field] ?? 0), 0);
}

export interface Sample<T> {
  /** ms on the caller's clock. */
  at: number;
  value: T;
}

export class Sampler<T> {
  readonly samples: Sample<T>[] = [];
  failures = 0;
  lastError: string | null = null;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    take: () => Promise<T>,
    private readonly intervalMs: number,
    clock: () => number,
  ) {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const value = await take();
          this.samples.push({ at: clock(), value });
        } catch (error) {
          this.failures += 1;
          this.lastError = error instanceof Error ? error.message : String(error);
        }
        await this.pause();
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private pause(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.intervalMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
