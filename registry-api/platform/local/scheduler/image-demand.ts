/**
 * How many workers an image needs, from what it was asked for recently. Little's law: the mean number
 * of busy workers is the arrival rate times the time each is held, which is measured directly as the
 * busy time of the leases that ended in the window divided by the window. Bursts are shorter than a
 * mean shows, so the highest number of leases held at once in the window counts too.
 */

interface Sample {
  at: number;
  value: number;
}

export class ImageDemand {
  private readonly holds: Sample[] = [];
  private readonly peaks: Sample[] = [];

  constructor(private readonly windowMs: number) {}

  /** A lease is taken; `held` is the image's leases held now, this one included. */
  leased(now: number, held: number): void {
    this.prune(now);
    this.peaks.push({ at: now, value: held });
  }

  /** A lease was given back after `ms`. */
  released(now: number, ms: number): void {
    this.prune(now);
    this.holds.push({ at: now, value: ms });
  }

  /** Mean workers busy over the window (Little's L). */
  meanBusy(now: number): number {
    this.prune(now);
    const busyMs = this.holds.reduce((sum, sample) => sum + sample.value, 0);
    return busyMs / this.windowMs;
  }

  /** Most leases held at once in the window. */
  peakBusy(now: number): number {
    this.prune(now);
    return this.peaks.reduce((max, sample) => Math.max(max, sample.value), 0);
  }

  private prune(now: number): void {
    const since = now - this.windowMs;
    while (this.holds.length > 0 && this.holds[0]!.at < since) this.holds.shift();
    while (this.peaks.length > 0 && this.peaks[0]!.at < since) this.peaks.shift();
    // a steady stream keeps at most one sample per lease in the window; bound it anyway
    if (this.holds.length > 10_000) this.holds.splice(0, this.holds.length - 10_000);
    if (this.peaks.length > 10_000) this.peaks.splice(0, this.peaks.length - 10_000);
  }
}
