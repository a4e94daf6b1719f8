import type { Worker } from '../..';

/**
 * What the scheduler needs of a worker beyond running: LocalWorker has it, and the unit tests' fakes
 * too, so every decision (admission, eviction, fairness, demand) is tested without an engine.
 */
export interface SchedulableWorker extends Worker {
  readonly id: string;
  readonly image: string;
  /** Why it can't be used any more, or null while healthy. */
  readonly broken: string | null;
  /** Running or still cleaning after its answer. */
  readonly busy: boolean;
  /** Set when the worker retired itself because it could not prove itself clean. */
  readonly retiredReason: string | null;
  /** Resolves true once proven clean, false if it never will be. */
  whenClean(): Promise<boolean>;
  /** Stops talking to it (the scheduler's `destroy` removes it). */
  close(): void;
}
