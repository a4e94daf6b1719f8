/**
 * The concurrency of one Nuclio function, as numbered slots. A function serves as many events at once
 * as it has replicas × HTTP workers; past that, Nuclio answers 503 at once (our functions set
 * `workerAvailabilityTimeoutMilliseconds: 0`). Counting slots here lets requests wait in our bounded,
 * cancellable queue instead of hammering busy replicas. A slot's number names a stable "virtual worker".
 */

import { CoderingError } from '../../../errors';
import { BoundedWaitQueue } from '..';

export interface FunctionSlotsOptions {
  /** Slots at first; `resize` changes it when the pool is warmed. */
  capacity: number;
  /** Requests that may wait for a slot before `queue_full`. */
  queueMax: number;
  /** Longest wait for a slot before `queue_full`. */
  acquireTimeoutMs: number;
  /** For messages: the function's name. */
  name: string;
}

export class FunctionSlots {
  private capacity: number;
  private readonly inUse = new Set<number>();
  private readonly waiters: BoundedWaitQueue<number>;
  private closed = false;

  constructor(private readonly options: FunctionSlotsOptions) {
    this.capacity = options.capacity;
    this.waiters = new BoundedWaitQueue<number>({
      max: options.queueMax,
      timeoutMs: options.acquireTimeoutMs,
      full: (waiting) =>
        new CoderingError(
          'queue_full',
          `${waiting} runs already wait for function ${options.name}`,
          { function: options.name, waiting },
          { retryAfterSeconds: 1 },
        ),
      timedOut: () =>
        new CoderingError(
          'queue_full',
          `no slot of function ${options.name} became free within ${options.acquireTimeoutMs} ms`,
          { function: options.name, acquireTimeoutMs: options.acquireTimeoutMs },
          { retryAfterSeconds: 1 },
        ),
    });
  }

  get busy(): number {
    return this.inUse.size;
  }

  get idle(): number {
    return Math.max(0, this.capacity - this.inUse.size);
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Grows (serving waiters at once) or shrinks (busy slots above the new size drain as released). */
  resize(capacity: number): void {
    this.capacity = capacity;
    this.serveWaiters();
  }

  acquire(signal?: AbortSignal): Promise<number> {
    if (this.closed) return Promise.reject(closedError(this.options.name));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.freeSlot();
    if (free !== undefined && this.waiters.length === 0) {
      this.inUse.add(free);
      return Promise.resolve(free);
    }
    return this.waiters.wait(signal);
  }

  release(slot: number): void {
    this.inUse.delete(slot);
    this.serveWaiters();
  }

  /** Rejects every waiter; later acquisitions fail at once. */
  close(): void {
    this.closed = true;
    this.waiters.rejectAll(closedError(this.options.name));
  }

  private freeSlot(): number | undefined {
    if (this.inUse.size >= this.capacity) return undefined;
    for (let slot = 0; slot < this.capacity; slot += 1) if (!this.inUse.has(slot)) return slot;
    return undefined;
  }

  private serveWaiters(): void {
    for (let slot = this.freeSlot(); slot !== undefined && this.waiters.length > 0; slot = this.freeSlot()) {
      this.inUse.add(slot);
      this.waiters.serve(slot);
    }
  }
}

function closedError(name: string): CoderingError {
  return new CoderingError('not_ready', `the Nuclio platform is closing (function ${name})`, { function: name });
}
