/**
 * Runs in flight per caller (a key, or an address without one), for CODERING_KEY_MAX_IN_FLIGHT: one
 * key can't take every worker of the host, whatever its request rate. In memory: a run in flight
 * lives in this process only, and a restart ends them all.
 */

export class InFlightRuns {
  private readonly counts = new Map<string, number>();

  /** Takes one of `max` places of `caller`: false when all are taken. `max` 0 is no limit. */
  take(caller: string, max: number): boolean {
    const current = this.counts.get(caller) ?? 0;
    if (max > 0 && current >= max) return false;
    this.counts.set(caller, current + 1);
    return true;
  }

  release(caller: string): void {
    const current = this.counts.get(caller) ?? 0;
    if (current <= 1) this.counts.delete(caller);
    else this.counts.set(caller, current - 1);
  }

  inFlight(caller: string): number {
    return this.counts.get(caller) ?? 0;
  }
}
