/**
 * The global cap on worker containers across every runtime's pool: pools grow on demand, but the
 * machine has 2 cores and finite memory, so the sum stays bounded.
 */
export class WorkerBudget {
  private used = 0;

  constructor(readonly total: number) {}

  tryTake(): boolean {
    if (this.used >= this.total) return false;
    this.used += 1;
    return true;
  }

  give(): void {
    this.used = Math.max(0, this.used - 1);
  }

  get inUse(): number {
    return this.used;
  }
}
