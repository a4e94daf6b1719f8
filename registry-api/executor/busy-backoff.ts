/**
 * Pauses between attempts of a run whose workers were all busy (WorkerBusy: a Nuclio replica taken by
 * an event our slot count did not foresee). Nothing ran, so trying again is safe; trying again at
 * once would meet the same busy replica. The pauses grow (25 ms doubling to 400 ms, with jitter so
 * that runs bounced together do not come back together) and are bounded in total by the run's wait
 * for a worker (CODERING_ACQUIRE_TIMEOUT_MS): past it, the run is answered `workers_busy` (503,
 * Retry-After), like any other wait for a worker that ran out.
 */

import { RunAborted } from './race-errors';

const FIRST_PAUSE_MS = 25;
const MAX_PAUSE_MS = 400;

export class BusyBackoff {
  private waitedMs = 0;
  private pauses = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Waits the next pause and resolves true; false at once when the budget is spent. Rejects with RunAborted if the client leaves. */
  async pause(signal: AbortSignal): Promise<boolean> {
    const left = this.budgetMs - this.waitedMs;
    if (left <= 0) return false;
    const nominal = Math.min(FIRST_PAUSE_MS * 2 ** this.pauses, MAX_PAUSE_MS);
    const ms = Math.min(left, Math.round(nominal * (0.5 + this.random() / 2)));
    this.pauses += 1;
    this.waitedMs += ms;
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new RunAborted());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new RunAborted());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return true;
  }
}
