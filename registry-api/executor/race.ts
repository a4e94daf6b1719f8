/**
 * One attempt of a run, as a race object: lease up to two workers of an image, send them the request,
 * keep the first well-formed answer and cancel the rest.
 *
 * Why workers are started one by one, as their leases arrive, instead of waiting for a pair: on a
 * 2-core machine the pool is small and often has one idle worker while the other is still finishing
 * (or cancelling) a previous run. Waiting for both would add that worker's remaining time to every
 * run's latency; starting the first at once makes the p50 the latency of one warm worker, and the
 * second, when it comes, only protects the tail (a slow or dying worker). When the first answers
 * before the second lease arrives, the lease request is dropped.
 *
 * Every wait is bounded: a lease by the platform (it owns that wait and its one answer, 429 or 503),
 * a worker's answer by `runTimeoutMs` (the run's own limits plus a margin), a loser's cancellation by
 * `cancelGraceMs`. Nothing here ever waits for a worker that does not answer. A slot launched while
 * another still carries the race asks for a spare (AcquireOptions.spare): a worker free now or none,
 * so that the second copy never queues ahead of another run nor races a cold start against a cold start.
 *
 *   ready ──start──▶ racing ──finish──▶ finished       (ready ──finish──▶ finished: the client left first)
 *
 * While racing, `launch` adds a slot (race-slot.ts has each slot's states). The race finishes on the
 * first answer, when every slot failed or was refused, or when the client leaves; finishing withdraws
 * the lease requests still out and cancels the runs still going. The race only gives leases back: a
 * worker is busy until its platform proves it clean, which is the platform's business, not ours.
 */

import { CoderingError, isCoderingError } from '../../errors';
import type { RaceMode } from '../config';
import { WorkerBusy, type Lease, type Platform, type ProxyResult, type RunStatus, type RunStream, type WorkerRequest } from '../platform';
import { GuardedState, IllegalTransition, type Transitions } from './guarded-state';
import { AttemptFailed, RunAborted } from './race-errors';
import { RaceSlot, type SlotState } from './race-slot';

export interface AttemptOptions {
  mode: RaceMode;
  /** Hedged mode: how long the first worker runs alone before the second is sent the request. */
  hedgeDelayMs: number;
  runTimeoutMs: number;
  cancelGraceMs: number;
  /** The client's signal: aborting it cancels everything and rejects with RunAborted. */
  signal: AbortSignal;
  /** Called once per lease obtained, with how long it was waited for. */
  onLease?(waitMs: number): void;
  /** Called for every worker failure, to be logged by the caller. */
  onWorkerFailure?(workerId: string, reason: string): void;
  /** A streamed run (single mode): each worker sent the request streams to it. */
  stream?: RunStream;
}

/** A worker's `internal_error` is its failure and `cancelled` answers our cancel: neither wins a race. */
export type WinningResult = ProxyResult & { status: Exclude<RunStatus, 'internal_error' | 'cancelled'> };

export interface AttemptResult {
  result: WinningResult;
  /** The winner's image, as the worker reports it (with digest where known). */
  image: string;
  /** 1 for the worker launched first, 2 for the second. */
  winner: 1 | 2;
  /** Workers that received the request. */
  workers: number;
  /** True when a worker failed and the other's answer was used. */
  fallback: boolean;
  /** Losers sent a cancel. */
  cancelledLosers: number;
  /** Wait for the winner's lease, from the start of the attempt. */
  queueMs: number;
  /** The winner's own time, from sending the request to its answer (feeds the hedge delay). */
  workerMs: number;
  /** The winner's start when it was started for this run (a cold start), or null. */
  coldStartMs: number | null;
}

export type RaceState = 'ready' | 'racing' | 'finished';

export const RACE_TRANSITIONS: Transitions<RaceState> = {
  ready: ['racing', 'finished'],
  racing: ['finished'],
  finished: [],
};

export class Race {
  private readonly state = new GuardedState<RaceState>('race', 'ready', RACE_TRANSITIONS);
  private readonly slots: RaceSlot[] = [];
  private readonly failures: string[] = [];
  private readonly maxSlots: 1 | 2;
  private readonly started = performance.now();
  private cancelledLosers = 0;
  private refusal: CoderingError | undefined;
  private hedge: NodeJS.Timeout | undefined;
  private resolve: (result: AttemptResult) => void = () => undefined;
  private reject: (error: Error) => void = () => undefined;

  constructor(
    private readonly platform: Platform,
    private readonly image: string,
    private readonly request: WorkerRequest,
    private readonly options: AttemptOptions,
  ) {
    this.maxSlots = options.mode === 'single' ? 1 : 2;
  }

  get current(): RaceState {
    return this.state.value;
  }

  /** Each slot's state, in launch order. */
  slotStates(): SlotState[] {
    return this.slots.map((slot) => slot.current);
  }

  /** Starts the race; the promise settles with its outcome (once, whatever settles after). */
  run(): Promise<AttemptResult> {
    // Checked before the promise: a second run must not take over the first one's outcome.
    if (!this.state.is('ready')) return Promise.reject(new IllegalTransition('race', this.current, 'run'));
    return new Promise<AttemptResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.start();
    });
  }

  /** ready → racing: the first slot (both in pair mode) asks for a lease. */
  private start(): void {
    if (this.options.signal.aborted) {
      this.finish();
      this.reject(new RunAborted());
      return;
    }
    this.state.move('racing');
    this.options.signal.addEventListener('abort', this.clientLeft, { once: true });
    this.launch();
    if (this.options.mode === 'pair') this.launch();
  }

  /** racing, a slot free → one more slot, asking the platform for a worker. */
  private launch(): void {
    if (!this.state.is('racing') || this.slots.length >= this.maxSlots) {
      throw new IllegalTransition('race', `${this.current} with ${this.slots.length} of ${this.maxSlots} slots`, 'launch');
    }
    const spare = this.alive() > 0;
    const slot = new RaceSlot((this.slots.length + 1) as 1 | 2, this.options);
    this.slots.push(slot);
    promiseOf(() => this.platform.acquire(this.image, slot.acquireSignal, { spare })).then(
      (lease) => this.guarded(() => this.leaseArrived(slot, lease)),
      (error: unknown) => this.guarded(() => this.leaseRefused(slot, error)),
    );
  }

  /** ready | racing → finished: withdraws the lease requests still out, cancels the runs still going. */
  private finish(): void {
    this.state.move('finished');
    clearTimeout(this.hedge);
    this.options.signal.removeEventListener('abort', this.clientLeft);
    for (const slot of this.slots) {
      if (slot.is('launched')) {
        slot.dropped();
      } else if (slot.is('leased')) {
        slot.cancelled();
        this.cancelledLosers += 1;
      }
    }
  }

  private leaseArrived(slot: RaceSlot, lease: Lease): void {
    if (!this.state.is('racing') || !slot.is('launched')) {
      // The race was decided while this lease was on its way: it never ran anything, give it straight back.
      lease.release(true);
      return;
    }
    slot.leased(lease, performance.now() - this.started, () => this.guarded(() => this.overdue(slot)));
    this.options.onLease?.(slot.leaseWaitMs);
    this.send(slot);
  }

  private leaseRefused(slot: RaceSlot, error: unknown): void {
    if (!this.state.is('racing') || !slot.is('launched')) return;
    const busy = isCoderingError(error) ? error : undefined;
    if (busy === undefined) {
      this.fail(slot, describe(error));
      return;
    }
    // The platform said no (busy, engine down): not a worker failure, and retrying would only add
    // load. If the other worker carries the race, let it; otherwise the client gets the error.
    slot.refused();
    this.refused(busy);
  }

  /**
   * A slot is out without a failure (refused, or its worker busy): the other may carry the race. After
   * a busy worker, a hedged race that has not sent its second worker yet sends it now, as after a failure.
   */
  private refused(refusal: CoderingError, tryAnother = false): void {
    // the first refusal tells the story: a spare's "none free now" only follows it
    this.refusal ??= refusal;
    if (this.alive() > 0) return;
    if (tryAnother && this.slots.length < this.maxSlots) {
      clearTimeout(this.hedge);
      this.launch();
      return;
    }
    this.finish();
    this.reject(this.failures.length > 0 && this.refusal.kind !== 'busy' ? new AttemptFailed(this.failures) : this.refusal);
  }

  private send(slot: RaceSlot): void {
    const sent = performance.now();
    if (this.options.mode === 'hedged' && slot.index === 1 && this.maxSlots > 1) {
      this.hedge = setTimeout(() => this.guarded(() => this.hedgeDue(slot)), this.options.hedgeDelayMs);
    }
    promiseOf(() => slot.worker.run(this.request, slot.runSignal, this.options.stream)).then(
      (result) => this.guarded(() => this.answerArrived(slot, result, performance.now() - sent)),
      (error: unknown) => this.guarded(() => this.runRejected(slot, error)),
    );
  }

  /** Hedged mode: the first worker is slower than recent runs; a second one joins. */
  private hedgeDue(first: RaceSlot): void {
    if (this.state.is('racing') && first.is('leased') && this.slots.length < this.maxSlots) this.launch();
  }

  private answerArrived(slot: RaceSlot, result: ProxyResult, workerMs: number): void {
    slot.runSettled();
    if (slot.is('overdue')) {
      // Given up at its deadline: whatever it says now, it is not trusted with another run.
      slot.release(false);
      return;
    }
    const { status } = result;
    if (status === 'internal_error') {
      slot.release(false);
      this.fail(slot, `the proxy reported an internal error: ${result.message}`);
      return;
    }
    slot.release(true);
    if (slot.is('cancelled')) return; // a loser that answered or obeyed the cancel: already counted
    if (status === 'cancelled') {
      this.fail(slot, 'the worker answered cancelled without being asked to');
      return;
    }
    slot.answered();
    this.finish();
    this.resolve({
      result: { ...result, status },
      image: slot.worker.image,
      winner: slot.index,
      workers: this.slots.filter((s) => s.hadLease).length,
      fallback: this.failures.length > 0,
      cancelledLosers: this.cancelledLosers,
      queueMs: slot.leaseWaitMs,
      workerMs,
      coldStartMs: slot.coldStartMs,
    });
  }

  private runRejected(slot: RaceSlot, error: unknown): void {
    slot.runSettled();
    if (error instanceof WorkerBusy) {
      // Nothing ran and the worker is sound: a refusal, which spends none of the run's retries.
      slot.release(true);
      if (!slot.is('leased')) return;
      slot.bounced();
      this.refused(
        new CoderingError('workers_busy', `the worker was busy: ${error.message}`, { workerId: error.workerId }, { retryAfterSeconds: 1 }),
        true,
      );
      return;
    }
    slot.release(false);
    // A cancelled loser that could not be cancelled cleanly is released unhealthy, not counted again.
    if (slot.is('leased')) this.fail(slot, describe(error));
  }

  private overdue(slot: RaceSlot): void {
    // Do not wait for a worker that is already late: give up on it now, release it when it settles.
    slot.overdue();
    this.lost(slot, `no answer within ${this.options.runTimeoutMs} ms`);
  }

  private fail(slot: RaceSlot, reason: string): void {
    slot.failed();
    this.lost(slot, reason);
  }

  /** A slot is out by a failure of ours: the other may still answer (the fallback), or join, or none is left. */
  private lost(slot: RaceSlot, reason: string): void {
    this.failures.push(`worker ${slot.index}: ${reason}`);
    this.options.onWorkerFailure?.(slot.workerName, reason);
    if (!this.state.is('racing') || this.alive() > 0) return;
    if (this.slots.length < this.maxSlots) {
      // Hedged mode: the second worker was not sent yet; send it now instead of waiting the delay.
      clearTimeout(this.hedge);
      this.launch();
      return;
    }
    this.finish();
    this.reject(new AttemptFailed(this.failures));
  }

  private readonly clientLeft = (): void =>
    this.guarded(() => {
      if (!this.state.is('racing')) return;
      // Runs in flight are cancelled like losers: released as they settle, or unhealthy after the grace.
      this.finish();
      this.reject(new RunAborted());
    });

  private alive(): number {
    return this.slots.filter((slot) => slot.alive).length;
  }

  /**
   * Every event (a lease, an answer, a timer) enters through here. A transition the tables do not
   * allow is a bug of ours: it ends a pending attempt with that error rather than leave it hanging.
   * After the outcome there is nobody to tell: it becomes a process warning (loud in the logs), not
   * an exception in a timer callback, which would take the whole service and every run down with it.
   */
  private guarded(handle: () => void): void {
    try {
      handle();
    } catch (error) {
      if (this.state.is('finished')) {
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'CoderingRaceBug');
        return;
      }
      this.reject(error instanceof Error ? error : new Error(String(error)));
      this.finish();
    }
  }
}

/** The call's promise; a synchronous throw becomes its rejection, so it reaches the race's handlers. */
function promiseOf<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
