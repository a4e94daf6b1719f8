/**
 * A small bounded queue of builds. A build saturates both cores of the target machine, so builds run
 * one at a time by default; the bound turns a flood of build requests into `queue_full` instead of
 * an ever-growing backlog.
 */

import { CoderingError } from '../../errors';

export class BuildQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = 0;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  /** Throws `queue_full` when too many builds wait. `force` skips the bound (jobs resumed at start). */
  push(task: () => Promise<void>, force = false): void {
    if (!force) this.ensureRoom();
    this.waiting.push(task);
    this.next();
  }

  /** Throws what `push` would throw, without queuing anything. */
  ensureRoom(): void {
    if (this.closed) throw new CoderingError('not_ready', 'the service is shutting down', {}, { retryAfterSeconds: 5 });
    if (this.waiting.length >= this.maxWaiting) {
      throw new CoderingError(
        'queue_full',
        `${this.waiting.length} image builds are already waiting`,
        { waiting: this.waiting.length, maximum: this.maxWaiting },
        { retryAfterSeconds: 30 },
      );
    }
  }

  /** Stops starting builds; resolves when the running ones have finished. Waiting ones stay queued in the DB. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    while (!this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const task = this.waiting.shift() as () => Promise<void>;
      this.running += 1;
      void task()
        .catch(() => undefined) // a task records its own failure; the queue must keep going
        .finally(() => {
          this.running -= 1;
          if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
          this.next();
        });
    }
  }
}
