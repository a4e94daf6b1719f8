/**
 * In-process single-flight: concurrent calls for the same key share one execution (one build of a
 * content tag, however many requests ask for it at once). Each caller can listen to the shared
 * execution's progress, including callers that joined after it started.
 */
export class SingleFlight<T, E> {
  private readonly flights = new Map<string, { promise: Promise<T>; listeners: Set<(event: E) => void> }>();

  run(key: string, listener: ((event: E) => void) | undefined, execute: (emit: (event: E) => void) => Promise<T>): Promise<T> {
    let flight = this.flights.get(key);
    if (!flight) {
      const listeners = new Set<(event: E) => void>();
      const emit = (event: E) => {
        for (const listen of listeners) {
          try {
            listen(event);
          } catch {
            // One caller's broken progress display must not fail the build the others wait for.
          }
        }
      };
      const promise = Promise.resolve()
        .then(() => execute(emit))
        .finally(() => this.flights.delete(key));
      flight = { promise, listeners };
      this.flights.set(key, flight);
    }
    if (listener) {
      const { listeners } = flight;
      listeners.add(listener);
      void flight.promise.then(
        () => listeners.delete(listener),
        () => listeners.delete(listener),
      );
    }
    return flight.promise;
  }

  /** Keys in flight now (tests, diagnostics). */
  keys(): string[] {
    return [...this.flights.keys()];
  }
}

/** At most `limit` executions at once; the others wait their turn in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(execute: () => Promise<T>): Promise<T> {
    // A finishing execution hands its slot straight to the next waiter, so a newcomer can never
    // slip in between and exceed the limit.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await execute();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
