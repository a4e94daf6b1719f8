/**
 * What the local platform is told by its caller: its budget, warm targets and deadlines, all taken
 * from the one configuration. The platform has no defaults of its own, so it can never disagree with
 * the documented ones; LOCAL_PLATFORM_DEFAULTS is those, for callers that build a platform directly.
 */
import { DEFAULT_CONFIG, type CoderingConfig } from '../../../config';

/** The budget and warm targets are the configuration's own fields (documented there). */
type BudgetSettings = 'warmFloor' | 'maxWorkers' | 'workersMemoryBytes' | 'workersPerImageMax' | 'maxRunning' | 'idleTtlMs' | 'demandWindowMs' | 'queueMax' | 'acquireTimeoutMs';

export type LocalPlatformSettings = Pick<CoderingConfig, BudgetSettings> & {
  /** Extra time a worker gets past a run's limits before it is declared dead. */
  graceMs: number;
  /** How long a cancelled run may take to answer `cancelled`. */
  cancelGraceMs: number;
  /** The proxy's budget to clean and prove a worker fresh after each run (see LocalWorker). */
  cleanBudgetMs: number;
};

export function localPlatformSettings(config: Readonly<CoderingConfig>): LocalPlatformSettings {
  return {
    warmFloor: config.warmFloor,
    maxWorkers: config.maxWorkers,
    workersMemoryBytes: config.workersMemoryBytes,
    workersPerImageMax: config.workersPerImageMax,
    maxRunning: config.maxRunning,
    idleTtlMs: config.idleTtlMs,
    demandWindowMs: config.demandWindowMs,
    queueMax: config.queueMax,
    acquireTimeoutMs: config.acquireTimeoutMs,
    // The platform must declare a silent worker dead before the executor stops waiting for it, so that
    // the executor sees a WorkerFailure (and falls back) rather than its own timeout.
    graceMs: Math.max(config.runMarginMs - 1000, 500),
    cancelGraceMs: config.cancelGraceMs,
    cleanBudgetMs: config.cleanBudgetMs,
  };
}

export const LOCAL_PLATFORM_DEFAULTS: Readonly<LocalPlatformSettings> = Object.freeze(localPlatformSettings(DEFAULT_CONFIG));
