/**
 * Who gets a worker, on one host: every image's workers share one budget of slots (capacity-budget.ts),
 * and every run waiting for a worker waits in one line, in arrival order, whatever its image.
 *
 * - **Running.** At most `maxRunning` leases are held at once, every image together: the host has
 *   that many cores' worth of programs to run, and a 17th compile on 2 cores only makes every run
 *   slower (past its wall limit). Past it, runs wait in the line for a lease, not for a worker.
 * - **Admission.** A run takes an idle worker of its image; else it waits, and the scheduler starts a
 *   worker for it (a cold start) in a free slot, or in the slot of an idle worker of another image
 *   (an eviction: images above their warm target first, then above their floor, then the rest, least
 *   recently used first within each; never a busy worker). A run is refused (`queue_full`, 429) only when the line is full, or when its wait
 *   ran out while every slot was busy running programs; `not_ready` (503) when its image's workers
 *   can't be started at all.
 * - **Fairness.** A worker that becomes free goes to the oldest run of its image — unless a run of
 *   another image waited longer and has no way to a slot: then the worker gives up its slot to that
 *   image. A stream of runs for one image can't starve a run for another.
 * - **Demand.** Each image keeps as many warm workers as it was recently busy with (image-demand.ts),
 *   at least its floor, at most `perImageMax`; an image unused for `idleTtlMs` goes back to its floor
 *   (zero for all but the default runtimes).
 * - **Spares.** The second worker of a race is only taken from what is free now (AcquireOptions.spare).
 * - **One timer per wait.** The wait's limit is the scheduler's alone; the race has none of its own,
 *   so the same wait always ends with the same answer.
 */

import { CoderingError } from '../../../../errors';
import type { AcquireOptions, Lease, PoolStats } from '../..';
import type { CapacityBudget } from './capacity-budget';
import { ImageDemand } from './image-demand';
import type { SchedulableWorker } from './schedulable-worker';

export interface SchedulerOptions<W extends SchedulableWorker> {
  budget: CapacityBudget;
  /** Runs waiting at once, every image together; past it, `queue_full` at once. */
  queueMax: number;
  /** Longest wait for a worker. */
  waitTimeoutMs: number;
  /** Most workers of one image, so that one image can't hold every slot. */
  perImageMax: number;
  /** Leases held at once, every image together (CPU-bound concurrency). */
  maxRunning: number;
  /** An image not asked for this long keeps only its floor. */
  idleTtlMs: number;
  /** The past that demand is measured over. */
  demandWindowMs: number;
  /** How often warm targets are applied (scale down, prewarm); 0: only when `tick()` is called. */
  tickMs: number;
  spawn(image: string): Promise<W>;
  destroy(worker: W): Promise<void>;
  onError(message: string, error: unknown, image: string): void;
  /** Cold starts and evictions, for the log. */
  onEvent?(event: SchedulerEvent): void;
  now?(): number;
}

export type SchedulerEvent =
  | { kind: 'cold_start'; image: string; ms: number }
  | { kind: 'evicted'; image: string; forImage: string }
  | { kind: 'scaled_down'; image: string; idleMs: number };

/** An image's record is forgotten after this many idle TTLs without use (its counters with it). */
const FORGET_AFTER_TTLS = 12;

interface IdleWorker<W> {
  worker: W;
  since: number;
  /** A fresh worker that waited for a lease (the running cap): its start, for the run it goes to. */
  coldStartMs: number | null;
}

interface Waiter {
  image: string;
  spare: boolean;
  /** Arrival order: the line's, whatever the clock says. */
  seq: number;
  since: number;
  resolve(lease: Lease): void;
  reject(error: unknown): void;
}

class ImageEntry<W> {
  readonly idle: IdleWorker<W>[] = [];
  readonly busy = new Set<W>();
  /** Workers on their way (spawning, or waiting for the slot an eviction frees). */
  starting = 0;
  /**
   * Workers given back but still cleaning (busy until proven clean, usually within milliseconds):
   * like a start, they are on their way to a waiting run, and far sooner than an eviction and a start.
   */
  cleaning = 0;
  /** Workers being removed (still holding their slot). */
  stopping = 0;
  floor = 0;
  lastUsed = Number.NEGATIVE_INFINITY;
  coldStarts = 0;
  evictions = 0;
  retiredUnclean = 0;
  spawnFailures = 0;
  backoffUntil = 0;
  lastSpawnError: string | null = null;
  readonly demand: ImageDemand;

  constructor(
    readonly image: string,
    demandWindowMs: number,
  ) {
    this.demand = new ImageDemand(demandWindowMs);
  }

  get live(): number {
    return this.idle.length + this.busy.size;
  }
}

export class CapacityScheduler<W extends SchedulableWorker> {
  private readonly entries = new Map<string, ImageEntry<W>>();
  /** Every waiting run, in arrival order. */
  private readonly waiters: Waiter[] = [];
  private readonly ticker: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private arrivals = 0;
  /** Leases held now, every image together. */
  private held = 0;
  private closed = false;
  /**
   * Starts, evictions and removals on their way: close waits for them, since a worker a start
   * brings after close is removed only then, and the process exits when close resolves.
   */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: SchedulerOptions<W>) {
    this.now = options.now ?? (() => performance.now());
    if (options.tickMs > 0) {
      this.ticker = setInterval(() => this.tick(), options.tickMs);
      this.ticker.unref();
    }
  }

  acquire(image: string, signal?: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const entry = this.entry(image);
    entry.lastUsed = this.now();
    if (options.spare === true) return this.acquireSpare(entry, signal);
    const idle = this.held < this.options.maxRunning ? this.takeIdle(entry) : undefined;
    if (idle) return Promise.resolve(this.lease(entry, idle.worker, idle.coldStartMs));
    if (this.waiters.length >= this.options.queueMax) {
      return Promise.reject(
        new CoderingError(
          'queue_full',
          `${this.waiters.length} runs are already waiting for a worker on this host`,
          { image, queueMax: this.options.queueMax, slots: this.options.budget.slots },
          { retryAfterSeconds: 1 },
        ),
      );
    }
    const waiting = this.wait(entry, false, signal);
    this.pump();
    return waiting;
  }

  /** Keeps at least `floor` workers of `image` warm, in free slots. */
  keepWarm(image: string, floor: number): void {
    if (this.closed) throw shuttingDown();
    const entry = this.entry(image);
    entry.floor = Math.min(Math.max(entry.floor, floor), this.options.perImageMax);
    this.pump();
  }

  /** Applies the warm targets: idle workers past their image's target go, images below it get more. */
  tick(): void {
    if (this.closed) return;
    const now = this.now();
    for (const entry of [...this.entries.values()]) {
      if (this.forgettable(entry, now)) {
        // an exercise image nobody ran for long: its record goes too, so that a service running
        // for months over thousands of exercises keeps no trace of each one
        this.entries.delete(entry.image);
        continue;
      }
      let surplus = entry.live - this.targetOf(entry, now);
      // least recently used first
      entry.idle.sort((a, b) => a.since - b.since);
      while (surplus > 0 && entry.idle.length > 0) {
        const { worker, since } = entry.idle.shift()!;
        this.options.onEvent?.({ kind: 'scaled_down', image: entry.image, idleMs: Math.round(now - since) });
        this.retire(entry, worker);
        surplus -= 1;
      }
    }
    this.pump();
  }

  /** Nothing of it is alive, on its way or waited for, it has no floor, and it was unused for long. */
  private forgettable(entry: ImageEntry<W>, now: number): boolean {
    const quiet = entry.live + entry.starting + entry.cleaning + entry.stopping === 0 && entry.floor === 0;
    return quiet && now - entry.lastUsed > FORGET_AFTER_TTLS * this.options.idleTtlMs && !this.waiters.some((waiter) => waiter.image === entry.image);
  }

  stats(): PoolStats[] {
    const now = this.now();
    return [...this.entries.values()].map((entry) => ({
      image: entry.image,
      idle: entry.idle.length,
      busy: entry.busy.size,
      starting: entry.starting,
      waiting: this.waiters.filter((waiter) => waiter.image === entry.image).length,
      target: this.targetOf(entry, now),
      floor: entry.floor,
      coldStarts: entry.coldStarts,
      evictions: entry.evictions,
      retiredUnclean: entry.retiredUnclean,
    }));
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Leases held now (programs running, or about to). */
  get running(): number {
    return this.held;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.ticker);
    for (const waiter of [...this.waiters]) waiter.reject(shuttingDown());
    const removals: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      const all = [...entry.idle.splice(0).map((idle) => idle.worker), ...entry.busy];
      entry.busy.clear();
      for (const worker of all) removals.push(this.remove(entry, worker).then(() => this.options.budget.give()));
    }
    await Promise.all(removals);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private entry(image: string): ImageEntry<W> {
    let entry = this.entries.get(image);
    if (!entry) {
      entry = new ImageEntry<W>(image, this.options.demandWindowMs);
      this.entries.set(image, entry);
    }
    return entry;
  }

  /**
   * The second worker of a race: an idle one, or one started now in a free slot if the image is
   * already warm (never cold against cold), or a start on its way that no waiting run needs.
   */
  private acquireSpare(entry: ImageEntry<W>, signal: AbortSignal | undefined): Promise<Lease> {
    const required = this.waitersOf(entry.image, false);
    if (required === 0 && this.held < this.options.maxRunning) {
      const idle = this.takeIdle(entry);
      if (idle) return Promise.resolve(this.lease(entry, idle.worker, null));
      if (entry.starting + entry.cleaning > 0) return this.wait(entry, true, signal);
      const warm = entry.live > 0 && entry.live < this.options.perImageMax && entry.backoffUntil <= this.now();
      if (warm && this.options.budget.tryTake()) {
        this.launch(entry);
        return this.wait(entry, true, signal);
      }
    }
    return Promise.reject(
      new CoderingError('queue_full', `no spare worker of ${entry.image} is free now`, { image: entry.image, spare: true }, { retryAfterSeconds: 1 }),
    );
  }

  private wait(entry: ImageEntry<W>, spare: boolean, signal: AbortSignal | undefined): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      const waiter: Waiter = {
        image: entry.image,
        spare,
        seq: (this.arrivals += 1),
        since: this.now(),
        resolve: (lease) => {
          settle();
          resolve(lease);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void => {
        waiter.reject(abortReason(signal));
        // a withdrawn run may have been the one a start or an eviction was for: nothing to undo, the
        // worker it brings goes to the next run or stays idle
      };
      const timer = setTimeout(() => waiter.reject(this.waitExpired(entry)), this.options.waitTimeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The one answer to a wait that ran out: busy (429) unless the image can't be started (503). */
  private waitExpired(entry: ImageEntry<W>): CoderingError {
    const { budget, waitTimeoutMs } = this.options;
    if (entry.lastSpawnError !== null && entry.live === 0) {
      return new CoderingError(
        'not_ready',
        `no worker for ${entry.image} could be started within ${waitTimeoutMs} ms: ${entry.lastSpawnError}`,
        { image: entry.image, waitedMs: waitTimeoutMs },
        { retryAfterSeconds: 5 },
      );
    }
    return new CoderingError(
      'queue_full',
      `no worker for ${entry.image} became free within ${waitTimeoutMs} ms: the host's ${budget.slots} worker slots and ${this.options.maxRunning} running places were busy`,
      { image: entry.image, waitedMs: waitTimeoutMs, slots: budget.slots, maxRunning: this.options.maxRunning },
      { retryAfterSeconds: 1 },
    );
  }

  private takeIdle(entry: ImageEntry<W>): IdleWorker<W> | undefined {
    for (;;) {
      // most recently used first: the others age towards scale-down and eviction
      const idle = entry.idle.pop();
      if (!idle) return undefined;
      if (idle.worker.broken === null) return idle;
      this.retire(entry, idle.worker);
    }
  }

  private lease(entry: ImageEntry<W>, worker: W, coldStartMs: number | null): Lease {
    entry.busy.add(worker);
    this.held += 1;
    const leasedAt = this.now();
    entry.demand.leased(leasedAt, entry.busy.size);
    let released = false;
    return {
      worker,
      coldStartMs,
      release: (healthy: boolean) => {
        if (released) return;
        released = true;
        this.held -= 1;
        entry.demand.released(this.now(), this.now() - leasedAt);
        // a lease less: the oldest run held back by the running cap may go, on a worker already idle
        this.dispatch();
        if (!healthy || worker.broken !== null || this.closed) {
          entry.busy.delete(worker);
          this.retire(entry, worker);
          return;
        }
        if (!worker.busy) {
          entry.busy.delete(worker);
          this.free(entry, worker, null);
          return;
        }
        // still cleaning: only a worker proven clean serves the next run
        entry.cleaning += 1;
        void worker.whenClean().then((clean) => {
          entry.cleaning -= 1;
          if (!entry.busy.delete(worker)) return; // closing took it
          if (clean && worker.broken === null && !this.closed) this.free(entry, worker, null);
          else this.retire(entry, worker);
        });
      },
    };
  }

  /**
   * A worker is ready (freshly started, or clean after a run): to the oldest run of its image, or to
   * an older run of another image that has no other way to a slot (fairness), or idle.
   */
  private free(entry: ImageEntry<W>, worker: W, coldStartMs: number | null): void {
    const own = this.firstWaiter(entry.image, false) ?? this.firstWaiter(entry.image, true);
    const starved = this.options.budget.free > 0 ? undefined : this.oldestUnprovided(entry.image);
    // with no run of its own waiting, it goes idle and pump() evicts the least useful idle worker
    if (starved && own !== undefined && (own.spare || starved.seq < own.seq)) {
      this.evictFor(entry, worker, this.entry(starved.image));
    } else if (own && this.held < this.options.maxRunning) {
      if (coldStartMs !== null && !own.spare) entry.coldStarts += 1;
      own.resolve(this.lease(entry, worker, own.spare ? null : coldStartMs));
    } else {
      // no run for it, or the running cap holds its run back: dispatch() hands it over later
      entry.idle.push({ worker, since: this.now(), coldStartMs: own ? coldStartMs : null });
    }
    this.pump();
  }

  /** Runs held back by the running cap, oldest first, get the idle workers of their images. */
  private dispatch(): void {
    for (const waiter of [...this.waiters]) {
      if (this.held >= this.options.maxRunning) return;
      const entry = this.entry(waiter.image);
      const idle = this.takeIdle(entry);
      if (!idle) continue;
      if (idle.coldStartMs !== null && !waiter.spare) entry.coldStarts += 1;
      waiter.resolve(this.lease(entry, idle.worker, waiter.spare ? null : idle.coldStartMs));
    }
  }

  /**
   * Gives waiting runs their workers: for the oldest run with none on its way, a start in a free
   * slot, or in the slot of the least recently used idle worker of another image. Then the warm
   * targets, in free slots only.
   */
  private pump(): void {
    if (this.closed) return;
    for (;;) {
      const waiter = this.oldestUnprovided();
      if (!waiter) break;
      const entry = this.entry(waiter.image);
      if (this.options.budget.tryTake()) {
        this.launch(entry);
        continue;
      }
      const victim = this.evictionVictim(entry.image);
      if (!victim) break;
      victim.entry.idle.splice(victim.entry.idle.indexOf(victim.idle), 1);
      this.evictFor(victim.entry, victim.idle.worker, entry);
    }
    this.prewarm();
  }

  private prewarm(): void {
    const now = this.now();
    for (const entry of this.entries.values()) {
      if (entry.backoffUntil > now) continue;
      const target = this.targetOf(entry, now);
      while (entry.live + entry.starting < target && this.options.budget.tryTake()) this.launch(entry);
    }
  }

  /** Workers an image should have warm now: what it was busy with lately, its floor when unused. */
  private targetOf(entry: ImageEntry<W>, now: number): number {
    if (now - entry.lastUsed > this.options.idleTtlMs) return entry.floor;
    // what it was busy with at once lately, or on average (Little's L), and one while it is in use at
    // all; a worker cleaning is waited for (milliseconds), so no spare one is kept for that
    const demand = Math.max(1, entry.demand.peakBusy(now), Math.ceil(entry.demand.meanBusy(now)));
    return Math.min(this.options.perImageMax, Math.max(entry.floor, demand));
  }

  /**
   * The oldest run (not a spare) among the first `maxRunning` in line that nothing will serve: no idle
   * worker held back by the running cap, no start, no worker cleaning, and no busy worker of an image
   * already at its maximum.
   */
  private oldestUnprovided(excludeImage?: string): Waiter | undefined {
    const now = this.now();
    const counted = new Map<string, number>();
    // only the head of the line: a run that can't run before maxRunning others finish gets its worker
    // when the line moves, not now by evicting workers that the runs ahead of it will use
    let ahead = 0;
    for (const waiter of this.waiters) {
      if (waiter.spare) continue;
      if (ahead++ >= this.options.maxRunning) return undefined;
      const position = (counted.get(waiter.image) ?? 0) + 1;
      counted.set(waiter.image, position);
      if (waiter.image === excludeImage) continue;
      const entry = this.entry(waiter.image);
      if (position <= entry.idle.length + entry.starting + entry.cleaning) continue;
      if (entry.live + entry.starting >= this.options.perImageMax) continue;
      if (entry.backoffUntil > now) continue;
      return waiter;
    }
    return undefined;
  }

  /**
   * The idle worker to give up its slot: from an image above its warm target first (demand no longer
   * needs it), then above its floor, then any; least recently used within each. A hot image's
   * workers are within its target, so a stream of one-off images does not evict them.
   */
  private evictionVictim(forImage: string): { entry: ImageEntry<W>; idle: IdleWorker<W> } | undefined {
    const now = this.now();
    let best: { entry: ImageEntry<W>; idle: IdleWorker<W>; rank: number } | undefined;
    for (const entry of this.entries.values()) {
      if (entry.image === forImage) continue;
      const rank = entry.live > this.targetOf(entry, now) ? 0 : entry.live > entry.floor ? 1 : 2;
      for (const idle of entry.idle) {
        if (best === undefined || rank < best.rank || (rank === best.rank && idle.since < best.idle.since)) best = { entry, idle, rank };
      }
    }
    return best;
  }

  /** The worker's slot goes to `to`: removed first (its memory and uid are freed), then a start. */
  private evictFor(from: ImageEntry<W>, worker: W, to: ImageEntry<W>): void {
    from.evictions += 1;
    to.starting += 1;
    this.options.onEvent?.({ kind: 'evicted', image: from.image, forImage: to.image });
    this.track(
      this.remove(from, worker).then(() => {
        to.starting -= 1;
        if (this.closed) {
          this.options.budget.give();
          return;
        }
        this.launch(to);
      }),
    );
  }

  /** Starts a worker in a slot the caller has taken. */
  private launch(entry: ImageEntry<W>): void {
    entry.starting += 1;
    const started = this.now();
    const start = this.options.spawn(entry.image).then(
      async (worker) => {
        entry.starting -= 1;
        entry.spawnFailures = 0;
        entry.lastSpawnError = null;
        if (this.closed) {
          await this.remove(entry, worker);
          this.options.budget.give();
          return;
        }
        const ms = this.now() - started;
        this.options.onEvent?.({ kind: 'cold_start', image: entry.image, ms: Math.round(ms) });
        this.free(entry, worker, Math.round(ms));
      },
      (error: unknown) => {
        entry.starting -= 1;
        this.options.budget.give();
        this.startFailed(entry, error);
      },
    );
    this.track(start);
  }

  private startFailed(entry: ImageEntry<W>, error: unknown): void {
    entry.spawnFailures += 1;
    entry.lastSpawnError = error instanceof Error ? error.message : String(error);
    this.options.onError(`could not start a worker for ${entry.image}`, error, entry.image);
    // back off, so that a missing image or a dead engine doesn't become a busy loop
    const delay = Math.min(30_000, 250 * 2 ** Math.min(entry.spawnFailures, 7));
    entry.backoffUntil = this.now() + delay;
    setTimeout(() => this.pump(), delay).unref();
    if (entry.live === 0 && entry.starting === 0) {
      // nothing of this image can serve its runs: they learn why now, not at the end of their wait
      const failure = new CoderingError(
        'not_ready',
        `could not start a worker for ${entry.image}: ${entry.lastSpawnError}`,
        { image: entry.image },
        { retryAfterSeconds: Math.ceil(delay / 1000) },
      );
      for (const waiter of this.waiters.filter((w) => w.image === entry.image)) waiter.reject(failure);
    }
    if (!this.closed) this.pump();
  }

  /** Removes a worker and frees its slot (a broken one, one scaled down, or all at close). */
  private retire(entry: ImageEntry<W>, worker: W): void {
    this.track(
      this.remove(entry, worker).then(() => {
        this.options.budget.give();
        this.pump();
      }),
    );
  }

  private async remove(entry: ImageEntry<W>, worker: W): Promise<void> {
    if (worker.retiredReason !== null) entry.retiredUnclean += 1;
    entry.stopping += 1;
    worker.close();
    try {
      await this.options.destroy(worker);
    } catch (error) {
      this.options.onError(`could not remove worker ${worker.id}`, error, entry.image);
    } finally {
      entry.stopping -= 1;
    }
  }

  private firstWaiter(image: string, spare: boolean): Waiter | undefined {
    return this.waiters.find((waiter) => waiter.image === image && waiter.spare === spare);
  }

  private waitersOf(image: string, spare: boolean): number {
    return this.waiters.filter((waiter) => waiter.image === image && waiter.spare === spare).length;
  }
}

function shuttingDown(): CoderingError {
  return new CoderingError('not_ready', 'the platform is shutting down', {}, { retryAfterSeconds: 5 });
}

function abortReason(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error('aborted');
}
