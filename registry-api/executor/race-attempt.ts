/**
 * One attempt of a run: lease up to two workers of an image, send them the request, keep the first
 * well-formed answer and cancel the rest.
 *
 * Why workers are started one by one, as their leases arrive, instead of waiting for a pair: on a
 * 2-core machine the pool is small and often has one idle worker while the other is still finishing
 * (or cancelling) a previous run. Waiting for both would add that worker's remaining time to every
 * run's latency; starting the first at once makes the p50 the latency of one warm worker, and the
 * second, when it comes, only protects the tail (a slow or dying worker). When the first answers
 * before the second lease arrives, the lease request is dropped.
 *
 * Every wait is bounded: a lease by `acquireTimeoutMs`, a worker's answer by `runTimeoutMs` (the run's
 * own limits plus a margin), a loser's cancellation by `cancelGraceMs`. Nothing here ever waits for a
 * worker that does not answer.
 */

import { CoderingError, isCoderingError } from '../../errors';
import type { RaceMode } from '../config';
import type { Lease, Platform, ProxyResult, WorkerRequest } from '../platform/platform';
import { AttemptFailed, RunAborted } from './race-errors';

export type { RaceMode };

export interface AttemptOptions {
  mode: RaceMode;
  /** Hedged mode: how long the first worker runs alone before the second is sent the request. */
  hedgeDelayMs: number;
  runTimeoutMs: number;
  acquireTimeoutMs: number;
  cancelGraceMs: number;
  /** The client's signal: aborting it cancels everything and rejects with RunAborted. */
  signal: AbortSignal;
  /** Called once per lease obtained, with how long it was waited for. */
  onLease?(waitMs: number): void;
  /** Called for every worker failure, to be logged by the caller. */
  onWorkerFailure?(workerId: string, reason: string): void;
}

export interface AttemptResult {
  result: ProxyResult;
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
}

type SlotState = 'acquiring' | 'running' | 'failed' | 'answered' | 'dropped';

interface Slot {
  index: 1 | 2;
  state: SlotState;
  acquire: AbortController;
  run: AbortController;
  lease?: Lease;
  released: boolean;
  leaseWaitMs: number;
  /** Set when we aborted the run because the race was decided (not a failure of the worker). */
  cancelledByUs: boolean;
  timedOut: boolean;
  /** Bounds the wait for this worker's answer. */
  deadline?: NodeJS.Timeout;
  /** Bounds the wait for a cancelled or late worker to settle before it is given up as unhealthy. */
  grace?: NodeJS.Timeout;
}

export function raceAttempt(
  platform: Platform,
  image: string,
  request: WorkerRequest,
  options: AttemptOptions,
): Promise<AttemptResult> {
  const maxSlots = options.mode === 'single' ? 1 : 2;
  const started = performance.now();
  const slots: Slot[] = [];
  const failures: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let decided = false;
  let cancelledLosers = 0;
  let hedgeTimer: NodeJS.Timeout | undefined;

  return new Promise<AttemptResult>((resolve, reject) => {
    const later = (ms: number, action: () => void): NodeJS.Timeout => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        action();
      }, ms);
      timers.add(timer);
      return timer;
    };
    const cancelTimer = (timer: NodeJS.Timeout | undefined): void => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timers.delete(timer);
    };

    const release = (slot: Slot, healthy: boolean): void => {
      if (slot.released || slot.lease === undefined) return;
      slot.released = true;
      cancelTimer(slot.grace);
      slot.lease.release(healthy);
    };

    const alive = (): Slot[] => slots.filter((s) => s.state === 'acquiring' || s.state === 'running');

    /** Ends the attempt: stop every other slot, drop lease requests, cancel runs still going. */
    const finish = (): void => {
      decided = true;
      cancelTimer(hedgeTimer);
      options.signal.removeEventListener('abort', onClientAbort);
      for (const slot of slots) {
        if (slot.state === 'acquiring') {
          slot.state = 'dropped';
          slot.acquire.abort();
        } else if (slot.state === 'running') {
          cancelTimer(slot.deadline);
          slot.cancelledByUs = true;
          cancelledLosers += 1;
          slot.run.abort();
          // A loser that cannot even be cancelled is not to be trusted with another run.
          slot.grace = later(options.cancelGraceMs, () => release(slot, false));
        }
      }
    };

    const fail = (slot: Slot, reason: string): void => {
      slot.state = 'failed';
      failures.push(`worker ${slot.index}: ${reason}`);
      options.onWorkerFailure?.(slot.lease?.worker.id ?? `lease ${slot.index}`, reason);
      if (decided) return;
      if (alive().length > 0) return; // the other worker may still answer: that is the fallback
      if (slots.length < maxSlots) {
        // Hedged mode: the second worker was not sent yet; send it now instead of waiting the delay.
        cancelTimer(hedgeTimer);
        launch();
        return;
      }
      finish();
      reject(new AttemptFailed(failures));
    };

    const win = (slot: Slot, result: ProxyResult, workerMs: number): void => {
      slot.state = 'answered';
      finish();
      resolve({
        result,
        image: slot.lease?.worker.image ?? image,
        winner: slot.index,
        workers: slots.filter((s) => s.lease !== undefined).length,
        fallback: failures.length > 0,
        cancelledLosers,
        queueMs: slot.leaseWaitMs,
        workerMs,
      });
    };

    const run = (slot: Slot, lease: Lease): void => {
      slot.lease = lease;
      slot.state = 'running';
      const sent = performance.now();
      slot.deadline = later(options.runTimeoutMs, () => {
        slot.timedOut = true;
        slot.run.abort();
        // Do not wait for a worker that is already late: give up on it now, release it when it settles.
        if (slot.state === 'running') fail(slot, `no answer within ${options.runTimeoutMs} ms`);
        slot.grace = later(options.cancelGraceMs, () => release(slot, false));
      });
      if (options.mode === 'hedged' && slot.index === 1 && maxSlots > 1) {
        hedgeTimer = later(options.hedgeDelayMs, () => {
          if (!decided && slot.state === 'running') launch();
        });
      }

      let promise: Promise<ProxyResult>;
      try {
        promise = lease.worker.run(request, slot.run.signal);
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (result) => {
          cancelTimer(slot.deadline);
          if (slot.timedOut) return release(slot, false);
          if (result.status === 'internal_error') {
            release(slot, false);
            if (slot.state === 'running') fail(slot, `the proxy reported an internal error: ${result.message}`);
            return;
          }
          release(slot, true);
          if (slot.state !== 'running') return; // a loser that answered or cancelled: already counted
          if (result.status === 'cancelled') {
            if (slot.cancelledByUs || decided) return;
            fail(slot, 'the worker answered cancelled without being asked to');
            return;
          }
          if (!decided) win(slot, result, performance.now() - sent);
        },
        (error: unknown) => {
          cancelTimer(slot.deadline);
          release(slot, false);
          if (slot.state === 'running' && !slot.cancelledByUs) fail(slot, describe(error));
        },
      );
    };

    function launch(): void {
      if (decided || slots.length >= maxSlots) return;
      const slot: Slot = {
        index: (slots.length + 1) as 1 | 2,
        state: 'acquiring',
        acquire: new AbortController(),
        run: new AbortController(),
        released: false,
        leaseWaitMs: 0,
        cancelledByUs: false,
        timedOut: false,
      };
      slots.push(slot);
      let leaseTimedOut = false;
      const leaseDeadline = later(options.acquireTimeoutMs, () => {
        leaseTimedOut = true;
        slot.acquire.abort();
      });
      let acquiring: Promise<Lease>;
      try {
        acquiring = platform.acquire(image, slot.acquire.signal);
      } catch (error) {
        acquiring = Promise.reject(error);
      }
      acquiring.then(
        (lease) => {
          cancelTimer(leaseDeadline);
          if (decided || slot.state !== 'acquiring') {
            // The race was decided while this lease was on its way: give it straight back.
            lease.release(true);
            return;
          }
          slot.leaseWaitMs = performance.now() - started;
          options.onLease?.(slot.leaseWaitMs);
          run(slot, lease);
        },
        (error: unknown) => {
          cancelTimer(leaseDeadline);
          if (decided || slot.state !== 'acquiring') return;
          const busy = leaseTimedOut
            ? new CoderingError(
                'queue_full',
                `no worker for ${image} became free within ${options.acquireTimeoutMs} ms`,
                { image, waitedMs: options.acquireTimeoutMs },
                { retryAfterSeconds: 1 },
              )
            : isCoderingError(error)
              ? error
              : undefined;
          if (busy === undefined) {
            fail(slot, describe(error));
            return;
          }
          // The platform said no (busy, engine down): not a worker failure, and retrying would only add
          // load. If the other worker carries the race, let it; otherwise the client gets the error.
          slot.state = 'dropped';
          if (alive().length === 0) {
            finish();
            reject(failures.length > 0 && busy.kind !== 'busy' ? new AttemptFailed(failures) : busy);
          }
        },
      );
    }

    const onClientAbort = (): void => {
      if (decided) return;
      // Runs in flight are cancelled like losers: released as they settle, or unhealthy after the grace.
      finish();
      reject(new RunAborted());
    };

    if (options.signal.aborted) {
      reject(new RunAborted());
      return;
    }
    options.signal.addEventListener('abort', onClientAbort, { once: true });
    launch();
    if (options.mode === 'pair') launch();
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
