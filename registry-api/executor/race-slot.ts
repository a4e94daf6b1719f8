/**
 * One worker's lane in a race: its lease request, its run, and the lease it holds until it gives it
 * back. The slot's state says where its worker stands; what a change means for the other slot is the
 * race's business (race.ts).
 *
 *   launched ──leased──▶ leased ──answered──▶ answered     (its answer is the race's result)
 *      │                   ├──failed─────▶ failed          (our failure: died, internal error, …)
 *      │                   ├──overdue────▶ overdue         (no answer in time: given up, a failure)
 *      │                   ├──bounced────▶ bounced         (the worker was busy: nothing ran, not a failure)
 *      │                   └──cancelled──▶ cancelled ──failed──▶ failed   (a loser; its proxy may still fail)
 *      ├──failed───▶ failed      (the lease request itself failed)
 *      ├──dropped──▶ dropped     (the race was decided first: the request is withdrawn)
 *      └──refused──▶ refused     (the platform said no: busy, nothing free in time)
 *
 * The lease is not a state of the race but of the worker: held from `leased` on, given back exactly once
 * by `release`. A cancelled or overdue worker is released when its run settles or, if it never does,
 * unhealthy when the grace runs out: whichever comes first gives it back, the other finds it done.
 */

import type { Lease, Worker } from '../platform';
import { GuardedState, IllegalTransition, type Transitions } from './guarded-state';

export type SlotState = 'launched' | 'leased' | 'answered' | 'failed' | 'overdue' | 'cancelled' | 'dropped' | 'refused' | 'bounced';

export const SLOT_TRANSITIONS: Transitions<SlotState> = {
  launched: ['leased', 'failed', 'dropped', 'refused'],
  leased: ['answered', 'failed', 'overdue', 'cancelled', 'bounced'],
  cancelled: ['failed'],
  answered: [],
  failed: [],
  overdue: [],
  dropped: [],
  refused: [],
  bounced: [],
};

/**
 * Every wait of a slot is bounded (see race.ts). The wait for a lease is bounded by the platform,
 * which owns it: a second timer here would answer the same wait differently.
 */
export interface SlotTiming {
  runTimeoutMs: number;
  cancelGraceMs: number;
}

export class RaceSlot {
  private readonly state: GuardedState<SlotState>;
  private readonly acquire = new AbortController();
  private readonly run = new AbortController();
  private lease: Lease | undefined;
  private released = false;
  private waitMs = 0;
  private runDeadline: NodeJS.Timeout | undefined;
  private grace: NodeJS.Timeout | undefined;

  /** A slot is born launched: its lease request is on its way, bounded by the platform. */
  constructor(
    readonly index: 1 | 2,
    private readonly timing: SlotTiming,
  ) {
    this.state = new GuardedState<SlotState>(`slot ${index}`, 'launched', SLOT_TRANSITIONS);
  }

  get current(): SlotState {
    return this.state.value;
  }

  is(...states: SlotState[]): boolean {
    return this.state.is(...states);
  }

  /** Still able to answer: its lease or its answer is on the way. */
  get alive(): boolean {
    return this.state.is('launched', 'leased');
  }

  /** The signal the lease request is made with. */
  get acquireSignal(): AbortSignal {
    return this.acquire.signal;
  }

  /** The signal the run is sent with: aborting it is the in-band cancel. */
  get runSignal(): AbortSignal {
    return this.run.signal;
  }

  /** Wait for the lease, from the start of the race. */
  get leaseWaitMs(): number {
    return this.waitMs;
  }

  /** The worker's start, when it was started for this lease (a cold start); null for a warm one. */
  get coldStartMs(): number | null {
    return this.lease?.coldStartMs ?? null;
  }

  /** Received a worker (and so sent it the request), whatever came of it. */
  get hadLease(): boolean {
    return this.lease !== undefined;
  }

  get isReleased(): boolean {
    return this.released;
  }

  get worker(): Worker {
    if (this.lease === undefined) throw new IllegalTransition(`slot ${this.index}`, this.current, 'worker');
    return this.lease.worker;
  }

  /** How failures name this slot's worker: its id, or the lease it was waiting for. */
  get workerName(): string {
    return this.lease?.worker.id ?? `lease ${this.index}`;
  }

  /** The run settled, either way: its deadline no longer applies. */
  runSettled(): void {
    clearTimeout(this.runDeadline);
  }

  /** launched → leased: holds the worker; `onOverdue` is called if it does not answer in time. */
  leased(lease: Lease, waitMs: number, onOverdue: () => void): void {
    this.state.move('leased');
    this.lease = lease;
    this.waitMs = waitMs;
    this.runDeadline = setTimeout(onOverdue, this.timing.runTimeoutMs);
  }

  /** leased → answered: this worker's answer wins. */
  answered(): void {
    this.state.move('answered');
    this.runSettled();
  }

  /** launched | leased | cancelled → failed: a failure of ours (the lease is released by the caller). */
  failed(): void {
    this.state.move('failed');
    this.runSettled();
  }

  /** leased → overdue: given up on at its deadline; cancelled, and released when it settles or after the grace. */
  overdue(): void {
    this.state.move('overdue');
    this.stopRun();
  }

  /** leased → cancelled: the race was decided without it; released when it settles or after the grace. */
  cancelled(): void {
    this.state.move('cancelled');
    this.stopRun();
  }

  /** launched → dropped: the race no longer needs a worker; the lease request is withdrawn. */
  dropped(): void {
    this.state.move('dropped');
    this.acquire.abort();
  }

  /** leased → bounced: the worker refused the request, busy (nothing ran); released healthy by the caller. */
  bounced(): void {
    this.state.move('bounced');
    this.runSettled();
  }

  /**
   * launched → refused: the platform said no. Nothing is aborted: the request is over already, and
   * aborting a settled request could disturb the platform's queue.
   */
  refused(): void {
    this.state.move('refused');
  }

  /**
   * Gives the lease back, once. A second call (the run settling after the grace gave it back, or the
   * reverse) finds it done and returns false; a slot that never held a lease has nothing to give.
   */
  release(healthy: boolean): boolean {
    if (this.lease === undefined) throw new IllegalTransition(`slot ${this.index}`, this.current, 'release');
    if (this.released) return false;
    this.released = true;
    clearTimeout(this.grace);
    this.lease.release(healthy);
    return true;
  }

  private stopRun(): void {
    this.runSettled();
    this.run.abort();
    // A worker that cannot even be cancelled is not to be trusted with another run.
    this.grace = setTimeout(() => this.release(false), this.timing.cancelGraceMs);
  }
}
