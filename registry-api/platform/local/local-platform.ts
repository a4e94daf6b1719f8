import { randomBytes } from 'node:crypto';
import { DEFAULT_CONFIG } from '../../../config';
import { CoderingError } from '../../../errors';
import { createDockerClient, type ContainerEngine } from '../../../factory/engine';
import type { AcquireOptions, CapacityReport, Lease, Platform, PoolStats } from '..';
import { LOCAL_PLATFORM_DEFAULTS, type LocalPlatformSettings } from './local-platform-settings';
import { LocalWorker } from './local-worker';
import { reapOrphanWorkers } from './orphan-reaper';
import { SANDBOX_UID_COUNT, SandboxUids } from './sandbox-uids';
import { CapacityBudget, CapacityScheduler } from './scheduler';
import {
  DEFAULT_HARDENING,
  IMAGE_LABEL,
  workerContainerSpec,
  workerNameFor,
  type WorkerHardening,
} from './worker-container-spec';
import { currentOwner, ownerLabels, type WorkerOwner } from './worker-owner';

export interface PlatformLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LocalPlatformOptions extends LocalPlatformSettings {
  engine: ContainerEngine;
  hardening?: Partial<WorkerHardening>;
  logger?: PlatformLogger;
}

const silent: PlatformLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** How often warm targets are applied (scale down, prewarm). */
const TICK_MS = 1000;

/**
 * The embedded default platform: warm, hardened worker containers on the local Docker engine, the
 * way Nuclio's local platform runs functions as containers on the local daemon. Which image gets a
 * worker, and when, is the scheduler's business (scheduler/capacity-scheduler.ts); this class starts
 * and removes the containers it asks for.
 */
export class LocalPlatform implements Platform {
  readonly name = 'local' as const;
  readonly instanceId = randomBytes(6).toString('hex');
  /** What this process's workers say of their owner (pid, pid namespace, container). */
  readonly owner: WorkerOwner = currentOwner(this.instanceId);
  private readonly engine: ContainerEngine;
  private readonly hardening: WorkerHardening;
  private readonly budget: CapacityBudget;
  private readonly scheduler: CapacityScheduler<LocalWorker>;
  private readonly logger: PlatformLogger;
  private readonly uids = new SandboxUids();
  private readonly cleanBudgetMs: number;

  constructor(private readonly options: LocalPlatformOptions) {
    this.engine = options.engine;
    this.hardening = { ...DEFAULT_HARDENING, ...options.hardening };
    this.budget = new CapacityBudget({
      maxWorkers: options.maxWorkers,
      memoryBytes: options.workersMemoryBytes,
      workerMemoryBytes: this.hardening.memoryBytes,
      // every live worker needs a sandbox uid of its own
      sandboxUids: SANDBOX_UID_COUNT,
    });
    this.logger = options.logger ?? silent;
    this.cleanBudgetMs = options.cleanBudgetMs;
    this.scheduler = new CapacityScheduler<LocalWorker>({
      budget: this.budget,
      queueMax: options.queueMax,
      waitTimeoutMs: options.acquireTimeoutMs,
      perImageMax: options.workersPerImageMax,
      maxRunning: options.maxRunning,
      idleTtlMs: options.idleTtlMs,
      demandWindowMs: options.demandWindowMs,
      tickMs: TICK_MS,
      spawn: (image) => this.spawn(image),
      destroy: async (worker) => {
        try {
          await this.engine.destroy(worker.id);
        } finally {
          this.uids.give(worker.sandboxUid);
        }
      },
      onError: (message, error, image) => this.logger.warn({ err: error, image }, message),
      onEvent: (event) => this.logger.info(event, event.kind.replace('_', ' ')),
    });
  }

  /** Removes the workers a dead process of ours left behind; call once at start-up. */
  async start(): Promise<void> {
    await this.engine.ping();
    const reaped = await reapOrphanWorkers(this.engine, this.owner);
    if (reaped > 0) this.logger.info({ reaped }, 'removed orphan workers of a previous process');
  }

  acquire(image: string, signal?: AbortSignal, options?: AcquireOptions): Promise<Lease> {
    return this.scheduler.acquire(image, signal, options);
  }

  async warm(image: string, floor: number = this.options.warmFloor): Promise<void> {
    if (!(await this.engine.imageExists(image))) {
      throw new CoderingError('not_ready', `the image ${image} is not on the engine: build it first`, { image });
    }
    this.scheduler.keepWarm(image, floor);
  }

  /** Runs can be served when the engine answers: an image with no warm worker is a cold start away. */
  async ready(): Promise<boolean> {
    try {
      await this.engine.ping();
      return true;
    } catch {
      return false;
    }
  }

  stats(): PoolStats[] {
    return this.scheduler.stats();
  }

  capacity(): CapacityReport {
    return {
      platform: 'local',
      slots: this.budget.slots,
      slotsInUse: this.budget.inUse,
      running: this.scheduler.running,
      limits: { ...this.budget.limits, maxRunning: this.options.maxRunning },
      waiting: this.scheduler.waiting,
      queueMax: this.options.queueMax,
      images: this.stats(),
    };
  }

  close(): Promise<void> {
    return this.scheduler.close();
  }

  private async spawn(image: string): Promise<LocalWorker> {
    const started = Date.now();
    const { sandboxUid, attached } = await this.startWithOwnUid(image);
    const { id, streams } = attached;
    this.logger.info({ worker: id.slice(0, 12), image, sandboxUid, ms: Date.now() - started }, 'worker started');
    const workerOptions = { graceMs: this.options.graceMs, cancelGraceMs: this.options.cancelGraceMs, cleanBudgetMs: this.cleanBudgetMs };
    return new LocalWorker(id, image, streams, workerOptions, sandboxUid);
  }

  /**
   * Starts a worker under a uid no live worker on the host has: the container's name claims the
   * uid (workerNameFor), so a uid another process holds answers 409 and the next one is tried. On
   * the first conflict, workers of dead processes are reaped, since they may be what holds it.
   */
  private async startWithOwnUid(image: string): Promise<{ sandboxUid: number; attached: Awaited<ReturnType<ContainerEngine['startAttached']>> }> {
    const heldElsewhere: number[] = [];
    let reaped = false;
    try {
      while (this.uids.available > 0) {
        const sandboxUid = this.uids.take();
        const spec = workerContainerSpec({
          image,
          name: workerNameFor(sandboxUid),
          sandboxUid,
          cleanBudgetMs: this.cleanBudgetMs,
          hardening: this.hardening,
          labels: { ...ownerLabels(this.owner), [IMAGE_LABEL]: image },
        });
        try {
          return { sandboxUid, attached: await this.engine.startAttached(spec) };
        } catch (error) {
          if (!isNameTaken(error)) {
            this.uids.give(sandboxUid);
            throw error;
          }
          heldElsewhere.push(sandboxUid);
          if (!reaped) {
            reaped = true;
            await reapOrphanWorkers(this.engine, this.owner);
          }
        }
      }
    } finally {
      // held by another process now, maybe free later: they go back to the end of the list
      for (const uid of heldElsewhere) this.uids.give(uid);
    }
    throw new CoderingError('not_ready', `every sandbox uid (${SANDBOX_UID_COUNT}) is held by a live worker on this host`, {}, { retryAfterSeconds: 5 });
  }
}

/** The engine's answer when a container name is taken (dockerode keeps the HTTP status). */
function isNameTaken(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { statusCode?: unknown }).statusCode === 409;
}

/**
 * A platform on this machine's engine. The server passes every setting from its configuration and
 * the container part of its Docker client; tests and benches that build one directly get the
 * documented defaults for what they leave out.
 */
export function createLocalPlatform(options: Partial<LocalPlatformOptions> = {}): LocalPlatform {
  return new LocalPlatform({
    ...LOCAL_PLATFORM_DEFAULTS,
    ...options,
    engine: options.engine ?? createDockerClient(DEFAULT_CONFIG.factory).containers,
  });
}
