import { CoderingError } from '../../../errors';
import type { Lease, PoolStats } from '../platform';
import type { LocalWorker } from './local-worker';
import type { WorkerBudget } from './worker-budget';

export interface WarmPoolOptions {
  image: string;
  /** Workers kept warm when idle. */
  size: number;
  /** Requests allowed to wait for a worker; past it, acquire fails at once with `queue_full`. */
  queueMax: number;
  /** Longest wait for a worker before `not_ready`. */
  acquireTimeoutMs: number;
  budget: WorkerBudget;
  spawn(): Promise<LocalWorker>;
  destroy(worker: LocalWorker): Promise<void>;
  onError(message: string, error: unknown): void;
}

interface Waiter {
  resolve(lease: Lease): void;
  reject(error: Error): void;
}

/**
 * Warm workers for one image. Healthy workers are reused (the proxy empties the box and kills every
 * leftover process between runs), broken ones are destroyed and replaced in the background, and
 * the pool grows past its size while requests wait, within the global budget.
 */
export class WarmPool {
  private readonly idle: LocalWorker[] = [];
  private readonly busy = new Set<LocalWorker>();
  private readonly waiters: Waiter[] = [];
  private starting = 0;
  private target: number;
  private closed = false;
  private consecutiveSpawnFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WarmPoolOptions) {
    this.target = options.size;
  }

  get image(): string {
    return this.options.image;
  }

  /** Workers alive or on their way: what readiness looks at. */
  get live(): number {
    return this.idle.length + this.busy.size;
  }

  resize(size: number): void {
    this.target = Math.max(this.target, size);
    this.replenish();
  }

  acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closed) return Promise.reject(new CoderingError('not_ready', 'the platform is shutting down', {}, { retryAfterSeconds: 5 }));
    const worker = this.takeIdle();
    if (worker) return Promise.resolve(this.lease(worker));
    if (this.waiters.length >= this.options.queueMax) {
      return Promise.reject(
        new CoderingError('queue_full', `${this.waiters.length} runs are already waiting for ${this.options.image}`, { image: this.options.image, queueMax: this.options.queueMax }, { retryAfterSeconds: 1 }),
      );
    }
    return new Promise<Lease>((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(new CoderingError('not_ready', `no worker for ${this.options.image} within ${this.options.acquireTimeoutMs} ms`, { image: this.options.image }, { retryAfterSeconds: 2 }));
      }, this.options.acquireTimeoutMs);
      const onAbort = (): void => {
        remove();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const waiter: Waiter = {
        resolve: (lease) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject: (error) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const remove = (): void => {
        clearTimeout(timer);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.replenish();
    });
  }

  stats(): PoolStats {
    return { image: this.options.image, idle: this.idle.length, busy: this.busy.size, starting: this.starting, waiting: this.waiters.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new CoderingError('not_ready', 'the platform is shutting down'));
    const all = [...this.idle.splice(0), ...this.busy];
    this.busy.clear();
    await Promise.all(all.map((worker) => this.retire(worker)));
  }

  private takeIdle(): LocalWorker | undefined {
    for (;;) {
      const worker = this.idle.shift();
      if (!worker) return undefined;
      if (!worker.broken) return worker;
      void this.retire(worker);
    }
  }

  private lease(worker: LocalWorker): Lease {
    this.busy.add(worker);
    let released = false;
    return {
      worker,
      release: (healthy: boolean) => {
        if (released) return;
        released = true;
        this.busy.delete(worker);
        if (healthy && !worker.broken && !this.closed) this.offer(worker);
        else void this.retire(worker);
        this.replenish();
      },
    };
  }

  /** A ready worker goes to the longest waiter, or back to the idle list. */
  private offer(worker: LocalWorker): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(this.lease(worker));
    else this.idle.push(worker);
  }

  private async retire(worker: LocalWorker): Promise<void> {
    worker.close();
    this.options.budget.give();
    try {
      await this.options.destroy(worker);
    } catch (error) {
      this.options.onError(`could not remove worker ${worker.id}`, error);
    }
  }

  /** Starts workers until the pool is at its size, or as many as requests wait for. */
  private replenish(): void {
    if (this.closed || this.retryTimer) return;
    const wanted = Math.max(this.target, this.busy.size + this.waiters.length);
    while (this.idle.length + this.busy.size + this.starting < wanted && this.options.budget.tryTake()) {
      this.starting += 1;
      void this.startOne();
    }
  }

  private async startOne(): Promise<void> {
    try {
      const worker = await this.options.spawn();
      this.starting -= 1;
      this.consecutiveSpawnFailures = 0;
      if (this.closed) {
        await this.retire(worker);
        return;
      }
      this.offer(worker);
    } catch (error) {
      this.starting -= 1;
      this.options.budget.give();
      this.consecutiveSpawnFailures += 1;
      this.options.onError(`could not start a worker for ${this.options.image}`, error);
      // back off, so a missing image or a dead engine doesn't become a busy loop
      const delay = Math.min(30_000, 250 * 2 ** Math.min(this.consecutiveSpawnFailures, 7));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.replenish();
      }, delay);
      this.retryTimer.unref();
    }
  }
}
