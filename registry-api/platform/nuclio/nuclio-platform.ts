/**
 * The `nuclio` platform: runtimes deployed as Nuclio functions, invoked over HTTP. Nothing is started
 * or destroyed here: a function's replicas are kept by its `minReplicas`. What the platform owns is
 * the mapping image → function, a bounded number of concurrent calls per function (its slots, leased
 * as virtual workers), and readiness.
 *
 * Slots follow what Nuclio really does (nuclio-functions.ts): a replica takes one event per worker and
 * answers 503 at once past that, so a ready function has replicas × workers slots and a function that
 * is not ready has none (a run for it is refused at once with `not_ready`, not queued). The Service,
 * not we, chooses the replica of each call, so a call may still meet a busy replica; its slot is then
 * held a moment (`busyHoldMs`) and the run told "busy" (WorkerBusy), never "failed".
 */

import { CoderingError } from '../../../errors';
import type { AcquireOptions, CapacityReport, Lease, Platform, PoolStats } from '..';
import { dashboardEndpoint, serviceEndpoint, type FunctionEndpoint, type FunctionTarget } from './function-endpoint';
import { FunctionSlots } from './function-slots';
import type { FunctionRecord } from './nuclio-functions';
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
  busyAnswers: number;
}

/** Seconds a client is told to wait when the function is not ready: a rollout, a replica restarting. */
const NOT_READY_RETRY_AFTER_SECONDS = 5;

export class NuclioPlatform implements Platform {
  readonly name = 'nuclio' as const;
  private readonly options: ResolvedNuclioPlatformOptions;
  private readonly endpoint: FunctionEndpoint;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly closing = new AbortController();
  private readonly holds = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  constructor(options: NuclioPlatformOptions) {
    this.options = resolveNuclioPlatformOptions(options);
    if (this.options.invokeVia === 'dashboard') {
      if (this.options.dashboardUrl === undefined) {
        throw new CoderingError('internal', 'the nuclio platform invokes via the dashboard but has no dashboardUrl');
      }
      this.endpoint = dashboardEndpoint(this.options.dashboardUrl, this.options.dashboardToken);
    } else {
      this.endpoint = serviceEndpoint(this.options.functionUrlTemplate);
    }
    // every refresh of the functions resizes the pools: replicas come and go
    this.unsubscribe = this.options.functions?.onChange(() => this.resizePools()) ?? (() => undefined);
  }

  /** The function that serves `image`, as this platform will call it: Nuclio's answer, else the derived name. */
  functionFor(image: string): FunctionTarget {
    const name = this.options.functions?.nameForImage(image) ?? this.options.functionName(image);
    return { name, namespace: this.options.namespace };
  }

  async acquire(image: string, signal?: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    const pool = this.pool(image);
    this.refuseUnlessServing(pool);
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
      busyHoldMs: this.options.busyHoldMs,
    });
    let released = false;
    return {
      worker,
      // replicas are kept warm by Kubernetes (minReplicas): no start is ours to time
      coldStartMs: null,
      // Nothing to destroy on a failure: a replica that keeps failing is Kubernetes' to restart (the
      // processor's liveness probe). The slot is held while a cancelled run may still occupy its
      // replica, or a moment after a busy answer.
      release: () => {
        if (released) return;
        released = true;
        if (worker.answeredBusy) pool.busyAnswers += 1;
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

  /**
   * Registers the function for readiness and checks it takes events: with the dashboard's functions,
   * its state is `ready` (its slots are its replicas, whatever `size` says: replicas are the cluster's
   * to set); without, it answers its health probe and gets `size` slots. Rejects with `not_ready`.
   */
  async warm(image: string, size: number): Promise<void> {
    const pool = this.pool(image);
    pool.warmed = true;
    const { functions } = this.options;
    if (functions !== undefined) {
      functions.watch(pool.target.name);
      await functions.refresh();
      this.refuseUnlessServing(pool);
      return;
    }
    pool.slots.resize(Math.max(1, size));
    if (!(await this.probe(pool.target))) {
      throw new CoderingError('not_ready', `nuclio function ${pool.target.namespace}/${pool.target.name} is not ready`, {
        image,
        function: pool.target.name,
        namespace: pool.target.namespace,
      });
    }
  }

  /** The dashboard answers and every warmed function is ready (without the dashboard's list: each answers its probe). */
  async ready(): Promise<boolean> {
    if (this.closing.signal.aborted) return false;
    const warmed = [...this.pools.values()].filter((pool) => pool.warmed);
    const { functions } = this.options;
    if (functions !== undefined) {
      try {
        await functions.refresh();
      } catch {
        return false;
      }
      return warmed.every((pool) => functions.byName(pool.target.name)?.state === 'ready');
    }
    const answers = await Promise.all(warmed.map((pool) => this.probe(pool.target)));
    return answers.every(Boolean);
  }

  stats(): PoolStats[] {
    return [...this.pools.values()].map((pool) => {
      const record = this.options.functions?.byName(pool.target.name);
      return {
        image: pool.image,
        idle: pool.slots.idle,
        busy: pool.slots.busy,
        starting: 0,
        waiting: pool.slots.waiting,
        ...(record === undefined ? {} : { target: this.options.functions?.slots(record) ?? 0, replicas: record.replicas ?? record.minReplicas }),
        busyAnswers: pool.busyAnswers,
      };
    });
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
    this.unsubscribe();
    this.options.functions?.close();
    for (const timer of this.holds) clearTimeout(timer);
    this.holds.clear();
    for (const pool of this.pools.values()) pool.slots.close();
  }

  private pool(image: string): FunctionPool {
    if (this.closing.signal.aborted) throw new CoderingError('not_ready', 'the nuclio platform is closing');
    let pool = this.pools.get(image);
    if (pool === undefined) {
      const target = this.functionFor(image);
      this.options.functions?.watch(target.name);
      pool = {
        image,
        target,
        warmed: false,
        busyAnswers: 0,
        slots: new FunctionSlots({
          name: target.name,
          capacity: this.slotsOf(target.name),
          queueMax: this.options.queueMax,
          acquireTimeoutMs: this.options.acquireTimeoutMs,
        }),
      };
      this.pools.set(image, pool);
    }
    return pool;
  }

  private slotsOf(name: string): number {
    const { functions } = this.options;
    if (functions === undefined) return this.options.defaultSlots;
    const record = functions.byName(name);
    return record === undefined ? 0 : functions.slots(record);
  }

  private resizePools(): void {
    for (const pool of this.pools.values()) pool.slots.resize(this.slotsOf(pool.target.name));
  }

  /** With the dashboard's functions: `not_ready` at once for a function that takes no event now. */
  private refuseUnlessServing(pool: FunctionPool): void {
    const { functions } = this.options;
    if (functions === undefined) return;
    const record = functions.byName(pool.target.name);
    if (record !== undefined && functions.slots(record) > 0) return;
    throw notServing(pool, record);
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

function notServing(pool: FunctionPool, record: FunctionRecord | undefined): CoderingError {
  const { name, namespace } = pool.target;
  const why =
    record === undefined
      ? 'is not among the functions the Nuclio dashboard lists'
      : `is ${record.state}${record.message === '' ? '' : ` (${record.message})`}`;
  return new CoderingError(
    'not_ready',
    `nuclio function ${namespace}/${name} ${why}: it takes no event now`,
    { image: pool.image, function: name, namespace, state: record?.state ?? null },
    { retryAfterSeconds: NOT_READY_RETRY_AFTER_SECONDS },
  );
}
