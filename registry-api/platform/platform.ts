/**
 * What the executor needs from a place that runs code: warm workers, leased one at a time.
 * Two implementations: `local` (the Docker engine on this machine, the embedded default) and
 * `nuclio` (functions on Kubernetes, invoked over HTTP). The executor's racing logic depends only on
 * this interface, so it is unit-tested with a fake platform.
 */

import type { ProxyResult, WorkerRequest } from '../../proxy';
import type { RunStream } from './run-stream';

// The request/result types belong to the proxy's protocol; re-exported here for the platforms.
export type {
  CaseLimits,
  ProxyCaseResult,
  ProxyResult,
  RunLimits,
  RunStatus,
  SourceFile,
  WorkerCase,
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

/**
 * The worker did not take the request: it was busy with another. A Nuclio replica answers 503 at once
 * when its one worker is taken, and which replica gets a request is the Service's choice, so our count
 * of free slots cannot always foresee it. Nothing ran, and nothing is broken: not a WorkerFailure (it
 * must not spend the run's retries). The race takes it as a refusal; the executor waits a little and
 * tries again, within the run's wait for a worker.
 */
export class WorkerBusy extends Error {
  constructor(
    message: string,
    readonly workerId: string,
  ) {
    super(message);
    this.name = 'WorkerBusy';
  }
}

export interface Worker {
  readonly id: string;
  /** The image the worker runs, as a reference with digest where known. */
  readonly image: string;
  /**
   * Runs one request. Aborting `signal` cancels the run (the loser of a race): the promise then
   * resolves with status `cancelled`, or rejects with WorkerFailure if the worker could not be
   * cancelled cleanly. Rejects with WorkerFailure on any failure of ours, with WorkerBusy when the
   * worker refused the request because it was busy (nothing ran). With `stream`, the program's
   * output also goes to it as it comes (or, from a worker that can't stream, whole at the end), and
   * its stdin takes what `stream.stdin` sends.
   */
  run(request: WorkerRequest, signal: AbortSignal, stream?: RunStream): Promise<ProxyResult>;
}

export interface Lease {
  worker: Worker;
  /**
   * How long the worker took to start when it was started for this wait (a cold start: the image had
   * no free warm worker), or null for a warm worker.
   */
  coldStartMs: number | null;
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
  /** Workers the platform aims to keep for this image now (its floor, or more while in demand). */
  target?: number;
  /** Workers kept even when the image is not used (the default runtimes'). */
  floor?: number;
  /** Workers started because a run found none free (local platform). */
  coldStarts?: number;
  /** Idle workers removed to give their slot to another image (local platform). */
  evictions?: number;
  /** Workers retired because they could not be proven clean after a run (local platform). */
  retiredUnclean?: number;
  /** Replicas of the image's function at the last count (nuclio platform). */
  replicas?: number;
  /** Requests a worker refused because it was busy: a replica's 503 (nuclio platform). */
  busyAnswers?: number;
}

/** The whole budget, for `GET /v1/capacity` and the metrics. */
export interface CapacityReport {
  platform: 'local' | 'nuclio';
  /** Workers the host can hold at once, every image together (the smallest of the limits below). */
  slots: number;
  /** Workers alive, starting or being removed: what counts against `slots`. */
  slotsInUse: number;
  /** Leases held now: programs running (a race counts two). */
  running: number;
  /** What bounds `slots` (the configured maximum, the memory budget, the sandbox uids) and `running`. */
  limits: { maxWorkers: number; memoryBytes: number | null; workerMemoryBytes: number | null; sandboxUids: number | null; maxRunning: number };
  /** Runs waiting for a worker, every image together, and how many may. */
  waiting: number;
  queueMax: number;
  images: PoolStats[];
}

/** Options of one lease request. */
export interface AcquireOptions {
  /**
   * A spare: the second worker of a race. Taken only from what is free now (an idle worker, or a free
   * slot of an image already warm): it never waits in the queue ahead of anyone, never evicts, and is
   * refused at once otherwise — so a race is never cold against cold, and never takes a slot a run needs.
   */
  spare?: boolean;
}

export interface Platform {
  readonly name: 'local' | 'nuclio';
  /**
   * Leases a worker for `image`: a warm one, or one started now. Waits when none is free; the
   * platform owns that wait and its limit, and rejects with the error catalogue's `busy` errors
   * (`queue_full` 429 when every slot is busy running programs, `not_ready` 503 when workers can't be
   * started), never hangs. Aborting `signal` withdraws the request.
   */
  acquire(image: string, signal?: AbortSignal, options?: AcquireOptions): Promise<Lease>;
  /** Keeps at least `floor` warm workers for `image` (the default runtimes'); rejects if it can't run. */
  warm(image: string, floor: number): Promise<void>;
  /** True when runs can be served: the engine (or the cluster) answers. */
  ready(): Promise<boolean>;
  stats(): PoolStats[];
  capacity(): CapacityReport;
  close(): Promise<void>;
}
