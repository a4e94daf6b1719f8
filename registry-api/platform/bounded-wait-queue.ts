/**
 * Requests waiting for a scarce thing (a warm worker, a function's slot): first come, first served,
 * bounded in length and in time, and cancellable. Both platforms queue this way, so that a busy
 * runtime answers `queue_full` at once or `not_ready`/`queue_full` after a bounded wait, never hangs.
 */

export interface BoundedWaitQueueOptions {
  /** Waiters allowed at once; `wait` past it rejects at once with `full()`. */
  max: number;
  /** Longest wait; then the waiter is rejected with `timedOut()`. */
  timeoutMs: number;
  full(waiting: number): Error;
  timedOut(): Error;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

export class BoundedWaitQueue<T> {
  private readonly waiters: Waiter<T>[] = [];

  constructor(private readonly options: BoundedWaitQueueOptions) {}

  get length(): number {
    return this.waiters.length;
  }

  /** Waits for a value handed over by `serve`; an abort rejects with the signal's reason. */
  wait(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.waiters.length >= this.options.max) return Promise.reject(this.options.full(this.waiters.length));
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      const waiter: Waiter<T> = {
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(abortReason(signal));
      const timer = setTimeout(() => waiter.reject(this.options.timedOut()), this.options.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Hands `value` to the longest waiter; false when nobody waits. */
  serve(value: T): boolean {
    const waiter = this.waiters[0];
    if (!waiter) return false;
    waiter.resolve(value);
    return true;
  }

  rejectAll(error: Error): void {
    for (const waiter of [...this.waiters]) waiter.reject(error);
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error('aborted');
}
