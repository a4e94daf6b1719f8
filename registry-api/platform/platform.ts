/**
 * What the executor needs from a place that runs code: warm workers, leased one at a time.
 * Two implementations: `local` (the Docker engine on this machine, the embedded default) and
 * `nuclio` (functions on Kubernetes, invoked over HTTP). The executor's racing logic depends only on
 * this interface, so it is unit-tested with a fake platform.
 */

import type { ProxyResult, WorkerRequest } from '../../proxy';

// The request/result types belong to the proxy's protocol; re-exported here for the platforms.
export type {
  ProxyResult,
  RunLimits,
  RunStatus,
  SourceFile,
  WorkerRequest,
} from '../../proxy';

/**
 * A worker failed (container died, engine error, malformed answer, no answer in time). This is our
 * failure, never the user's: the executor falls back to the other worker or retries.
 */
export class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly workerId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorkerFailure';
  }
}

export interface Worker {
  readonly id: string;
  /** The image the worker runs, as a reference with digest where known. */
  readonly image: string;
  /**
   * Runs one request. Aborting `signal` cancels the run (the loser of a race): the promise then
   * resolves with status `cancelled`, or rejects with WorkerFailure if the worker could not be
   * cancelled cleanly. Rejects with WorkerFailure on any failure of ours.
   */
  run(request: WorkerRequest, signal: AbortSignal): Promise<ProxyResult>;
}

export interface Lease {
  worker: Worker;
  /**
   * Gives the worker back. `healthy: false` (it failed, or could not be cancelled) makes the platform
   * destroy it and start a replacement in the background.
   */
  release(healthy: boolean): void;
}

export interface PoolStats {
  image: string;
  idle: number;
  busy: number;
  starting: number;
  waiting: number;
  /** Workers retired because they could not be proven clean after a run (local platform). */
  retiredUnclean?: number;
}

export interface Platform {
  readonly name: 'local' | 'nuclio';
  /**
   * Leases a warm worker for `image`. Waits (bounded by the platform's queue) when all are busy;
   * rejects with the error catalogue's `busy` error past the queue's bound, never hangs.
   */
  acquire(image: string, signal?: AbortSignal): Promise<Lease>;
  /** Starts (or keeps) `size` warm workers for `image`. */
  warm(image: string, size: number): Promise<void>;
  /** True when the engine answers and every warmed pool has at least one idle or busy worker. */
  ready(): Promise<boolean>;
  stats(): PoolStats[];
  close(): Promise<void>;
}
