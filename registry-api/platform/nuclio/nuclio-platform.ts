/**
 * The `nuclio` platform: runtimes deployed as Nuclio functions (by the Pulumi program), invoked over
 * HTTP. Nothing is started or destroyed here: a function's replicas are kept warm by its
 * `minReplicas`. What the platform owns is the mapping image → function, a bounded number of
 * concurrent calls per function (its slots, leased as virtual workers), and health probes.
 */

import { CoderingError } from '../../../errors';
import type { AcquireOptions, CapacityReport, Lease, Platform, PoolStats } from '..';
import { dashboardEndpoint, serviceEndpoint, type FunctionEndpoint, type FunctionTarget } from './function-endpoint';
import { FunctionSlots } from './function-slots';
import {
  resolveNuclioPlatformOptions,
  type NuclioPlatformOptions,
  type ResolvedNuclioPlatformOptions,
} from './nuclio-platform-options';
import { NuclioWorker } from './nuclio-worker';

interface FunctionPool {
  image: string;
  target: FunctionTarget;
  slots: FunctionSlots;
  /** Set by `warm`: only warmed functions count for readiness. */
  warmed: boolean;
}

export class NuclioPlatform implements Platform {
  readonly name = 'nuclio' as const;
  private readonly options: ResolvedNuclioPlatformOptions;
  private readonly endpoint: FunctionEndpoint;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly closing = new AbortController();
  private readonly holds = new Set<NodeJS.Timeout>();

  constructor(options: NuclioPlatformOptions) {
    this.options = resolveNuclioPlatformOptions(options);
    if (this.options.invokeVia === 'dashboard') {
      if (this.options.dashboardUrl === undefined) {
        throw new CoderingError('internal', 'the nuclio platform invokes via the dashboard but has no dashboardUrl');
      }
      this.endpoint = dashboardEndpoint(this.options.dashboardUrl);
    } else {
      this.endpoint = serviceEndpoint(this.options.functionUrlTemplate);
    }
  }

  /** The function that serves `image`, as this platform will call it. */
  functionFor(image: string): FunctionTarget {
    return { name: this.options.functionName(image), namespace: this.options.namespace };
  }

  async acquire(image: string, signal?: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    const pool = this.pool(image);
    if (options.spare === true && pool.slots.idle === 0) {
      // a race's second call only goes to a replica free now: never queued ahead of a run
      throw new CoderingError('queue_full', `no spare slot of function ${pool.target.name} is free now`, { image, spare: true }, { retryAfterSeconds: 1 });
    }
    const slot = await pool.slots.acquire(signal);
    const worker = new NuclioWorker({
      id: `${pool.target.name}/${slot}`,
      image,
      target: pool.target,
      endpoint: this.endpoint,
      runMarginMs: this.options.runMarginMs,
      invokeTimeoutMs: this.options.invokeTimeoutMs,
      maxResponseBytes: this.options.maxResponseBytes,
      closing: this.closing.signal,
    });
    let released = false;
    return {
      worker,
      // replicas are kept warm by Kubernetes (minReplicas): no start is ours to time
      coldStartMs: null,
      // Nothing to destroy on a failure: a replica that keeps failing is Kubernetes' to restart (the
      // processor's liveness probe). The slot is only held while a cancelled run may still occupy it.
      release: () => {
        if (released) return;
        released = true;
        const holdMs = worker.busyUntil - Date.now();
        if (holdMs <= 0 || this.closing.signal.aborted) {
          pool.slots.release(slot);
          return;
        }
        const timer = setTimeout(() => {
          this.holds.delete(timer);
          pool.slots.release(slot);
        }, holdMs);
        timer.unref();
        this.holds.add(timer);
      },
    };
  }

  /** Registers the function and sets its concurrency to `size`; rejects when it does not answer. */
  async warm(image: string, size: number): Promise<void> {
    const pool = this.pool(image);
    pool.slots.resize(Math.max(1, size));
    pool.warmed = true;
    if (!(await this.probe(pool.target))) {
      throw new CoderingError('not_ready', `nuclio function ${pool.target.namespace}/${pool.target.name} is not ready`, {
        image,
        function: pool.target.name,
        namespace: pool.target.namespace,
      });
    }
  }

  async ready(): Promise<boolean> {
    if (this.closing.signal.aborted) return false;
    const warmed = [...this.pools.values()].filter((pool) => pool.warmed);
    const answers = await Promise.all(warmed.map((pool) => this.probe(pool.target)));
    return answers.every(Boolean);
  }

  stats(): PoolStats[] {
    return [...this.pools.values()].map((pool) => ({
      image: pool.image,
      idle: pool.slots.idle,
      busy: pool.slots.busy,
      starting: 0,
      waiting: pool.slots.waiting,
    }));
  }

  capacity(): CapacityReport {
    const images = this.stats();
    const slots = images.reduce((sum, pool) => sum + pool.idle + pool.busy, 0);
    return {
      platform: 'nuclio',
      slots,
      slotsInUse: images.reduce((sum, pool) => sum + pool.busy, 0),
      running: images.reduce((sum, pool) => sum + pool.busy, 0),
      limits: { maxWorkers: slots, memoryBytes: null, workerMemoryBytes: null, sandboxUids: null, maxRunning: slots },
      waiting: images.reduce((sum, pool) => sum + pool.waiting, 0),
      queueMax: this.options.queueMax,
      images,
    };
  }

  async close(): Promise<void> {
    this.closing.abort(new CoderingError('not_ready', 'the nuclio platform is closing'));
    for (const timer of this.holds) clearTimeout(timer);
    this.holds.clear();
    for (const pool of this.pools.values()) pool.slots.close();
  }

  private pool(image: string): FunctionPool {
    if (this.closing.signal.aborted) throw new CoderingError('not_ready', 'the nuclio platform is closing');
    let pool = this.pools.get(image);
    if (pool === undefined) {
      const target = this.functionFor(image);
      pool = {
        image,
        target,
        warmed: false,
        slots: new FunctionSlots({
          name: target.name,
          capacity: this.options.defaultSlots,
          queueMax: this.options.queueMax,
          acquireTimeoutMs: this.options.acquireTimeoutMs,
        }),
      };
      this.pools.set(image, pool);
    }
    return pool;
  }

  private async probe(target: FunctionTarget): Promise<boolean> {
    const call = this.endpoint.health(target);
    try {
      const response = await fetch(call.url, {
        headers: call.headers,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.probeTimeoutMs), this.closing.signal]),
      });
      return this.endpoint.isHealthy(response.status, await response.text());
    } catch {
      return false;
    }
  }
}
