/**
 * How many workers the host can hold at once, every image together: the smallest of the configured
 * maximum, the memory budget (each worker counted at its container's memory limit, since that is what
 * a program may take) and the sandbox uids (one per live worker, see sandbox-uids.ts). A slot is held
 * from a worker's start until its container is removed, so a worker being removed still counts.
 */
export interface CapacityLimits {
  maxWorkers: number;
  memoryBytes: number;
  workerMemoryBytes: number;
  sandboxUids: number;
}

export class CapacityBudget {
  readonly slots: number;
  private used = 0;

  constructor(readonly limits: Readonly<CapacityLimits>) {
    const byMemory = Math.floor(limits.memoryBytes / limits.workerMemoryBytes);
    this.slots = Math.max(0, Math.min(limits.maxWorkers, byMemory, limits.sandboxUids));
  }

  get inUse(): number {
    return this.used;
  }

  get free(): number {
    return this.slots - this.used;
  }

  tryTake(): boolean {
    if (this.used >= this.slots) return false;
    this.used += 1;
    return true;
  }

  give(): void {
    this.used = Math.max(0, this.used - 1);
  }
}
