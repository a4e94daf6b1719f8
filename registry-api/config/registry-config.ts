/**
 * The registry API's configuration: one typed, frozen object validated once at start-up. Every value
 * has a default that suits the 2-core machine this project targets; an operator overrides it with a
 * `CODERING_*` variable (see env-variables.ts).
 */

import type { RunLimits } from '../platform/platform';
import type { RaceMode } from './race-modes';

export type PlatformName = 'local' | 'nuclio';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface HedgeConfig {
  /** Delay before the second worker while too few latencies are known. */
  defaultDelayMs: number;
  /** Never hedge sooner than this: below it the second worker only doubles the CPU spent. */
  floorMs: number;
  /** Latencies kept per runtime (sliding window) for the p95. */
  windowSize: number;
  /** Samples needed before the observed p95 replaces the default. */
  minSamples: number;
}

export interface NuclioConfig {
  /** Nuclio dashboard, e.g. `http://nuclio-dashboard.nuclio.svc:8070`. */
  dashboardUrl: string;
  namespace: string;
  project: string;
  /** Function name for an image is `<functionPrefix><language>-<version>…`. */
  functionPrefix: string;
  invokeTimeoutMs: number;
}

export interface RegistryConfig {
  host: string;
  port: number;
  platform: PlatformName;
  /** Where `codering.db` (build jobs) lives. */
  dataDir: string;
  logLevel: LogLevel;
  /** Runtimes warmed at start-up; `/readyz` waits for them. */
  defaultRuntimes: string[];
  /** Warm workers per runtime. */
  poolSize: number;
  /** Warm workers across all runtimes (2 cores: a few, not dozens). */
  poolMaxTotal: number;
  /** Lease requests waiting per runtime before `queue_full`. */
  queueMax: number;
  raceMode: RaceMode;
  /**
   * Runs in flight above which a `pair` run is hedged instead: the second copy is free only while
   * the machine has a spare core for it (Dean & Barroso's hedging without the overload).
   */
  pairMaxInFlight: number;
  /** Extra attempts after both workers of an attempt failed. */
  retries: number;
  /** Added to a run's wall (and compile) limit to bound how long we wait for a worker's answer. */
  runMarginMs: number;
  /** Longest wait for a lease before answering `queue_full`. */
  acquireTimeoutMs: number;
  /** How long a cancelled loser may take to answer before it is released as unhealthy. */
  cancelGraceMs: number;
  /**
   * Time a worker's proxy has, after each answer, to clean the worker and prove it as fresh as a new
   * one; past it the worker is retired (replaced), never reused. It is not the program's time.
   */
  cleanBudgetMs: number;
  hedge: HedgeConfig;
  /** Builds running at once (a build saturates both cores). */
  buildConcurrency: number;
  /** Build jobs waiting before `queue_full`. */
  buildQueueMax: number;
  /** How long a run waits for the image of a runtime not built yet. */
  buildWaitMs: number;
  /** Times a job interrupted by a restart is resumed before it is marked failed. */
  buildMaxAttempts: number;
  bodyLimitBytes: number;
  maxFiles: number;
  /** Sum of the files' contents, in UTF-8 bytes. */
  maxFilesBytes: number;
  maxArgs: number;
  maxArgBytes: number;
  maxStdinBytes: number;
  /** The operator's maxima: a request asking for more gets `limit_exceeds_maximum`. */
  maxLimits: RunLimits;
  /** What a request that names no limit gets. */
  defaultLimits: RunLimits;
  nuclio: NuclioConfig;
}
