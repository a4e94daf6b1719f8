import { CoderingError } from '../../../errors';
import { BoundedWaitQueue, type Lease, type PoolStats } from '..';
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

/**
 * Warm workers for one image. Healthy workers are reused (the proxy empties the box and kills every
 * leftover process between runs), broken ones are destroyed and replaced in the background, and
 * the pool grows past its size while requests wait, within the global budget.
 */
export class WarmPool {
  private readonly idle: LocalWorker[] = [];
  private readonly busy = new Set<LocalWorker>();
  private readonly waiters: BoundedWaitQueue<Lease>;
  private starting = 0;
  private target: number;
  private closed = false;
  private consecutiveSpawnFailures = 0;
  /** Workers retired because the proxy could not prove them clean after a run. */
  private retiredUnclean = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WarmPoolOptions) {
    this.target = options.size;
    this.waiters = new BoundedWaitQueue<Lease>({
      max: options.queueMax,
      timeoutMs: options.acquireTimeoutMs,
      full: (waiting) =>
        new CoderingError('queue_full', `${waiting} runs are already waiting for ${options.image}`, { image: options.image, queueMax: options.queueMax }, { retryAfterSeconds: 1 }),
      timedOut: () =>
        new CoderingError('not_ready', `no worker for ${options.image} within ${options.acquireTimeoutMs} ms`, { image: options.image }, { retryAfterSeconds: 2 }),
    });
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
    const waiting = this.waiters.wait(signal);
    this.replenish();
    return waiting;
  }

  stats(): PoolStats {
    return {
      image: this.options.image,
      idle: this.idle.length,
      busy: this.busy.size,
      starting: this.starting,
      waiting: this.waiters.length,
      retiredUnclean: this.retiredUnclean,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.waiters.rejectAll(new CoderingError('not_ready', 'the platform is shutting down'));
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
        if (!healthy || worker.broken || this.closed) {
          this.busy.delete(worker);
          void this.retire(worker);
          this.replenish();
          return;
        }
        if (!worker.busy) {
          this.busy.delete(worker);
          this.offer(worker);
          this.replenish();
          return;
        }
        // still busy while the proxy cleans: only a worker proven clean serves the next run
        void worker.whenClean().then((clean) => {
          // closing the pool already took it
          if (!this.busy.delete(worker)) return;
          if (clean && !worker.broken && !this.closed) {
            this.offer(worker);
          } else {
            void this.retire(worker);
          }
          this.replenish();
        });
      },
    };
  }

  /** A ready worker goes to the longest waiter, or back to the idle list. */
  private offer(worker: LocalWorker): void {
    if (this.waiters.length > 0) this.waiters.serve(this.lease(worker));
    else this.idle.push(worker);
  }

  private async retire(worker: LocalWorker): Promise<void> {
    if (worker.retiredReason !== null) this.retiredUnclean += 1;
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
