/**
 * Recent worker latencies per runtime, for the hedged mode's delay: the second worker is sent the
 * request only when the first has taken longer than 95 % of recent runs (The Tail at Scale), so at most
 * ~5 % of runs pay for a second worker. Before enough samples, a configured default; never below a floor.
 */

import type { HedgeConfig } from '../config';

export class LatencyWindow {
  private readonly samples = new Map<string, number[]>();

  constructor(private readonly config: HedgeConfig) {}

  record(runtime: string, ms: number): void {
    let window = this.samples.get(runtime);
    if (window === undefined) {
      window = [];
      this.samples.set(runtime, window);
    }
    window.push(ms);
    if (window.length > this.config.windowSize) window.splice(0, window.length - this.config.windowSize);
  }

  /** The observed p95 (nearest rank), or the default before `minSamples`, never below the floor. */
  hedgeDelayMs(runtime: string): number {
    const window = this.samples.get(runtime) ?? [];
    if (window.length < this.config.minSamples) return Math.max(this.config.defaultDelayMs, this.config.floorMs);
    const sorted = [...window].sort((a, b) => a - b);
    const rank = Math.ceil(0.95 * sorted.length) - 1;
    return Math.max(Math.round(sorted[rank] ?? 0), this.config.floorMs);
  }
}
