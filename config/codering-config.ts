/**
 * The whole configuration of codering-x: one typed, frozen object validated once at start-up. The
 * API reads it whole; the factory, the bench and infra read their parts. Every field is set by one
 * `CODERING_*` variable of config-variables.ts, which also holds its default.
 */

import type { RunLimits } from '../proxy';
import type { AuthMode } from './auth-modes';
import type { PrebuildMode } from './prebuild-modes';
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
  /** Sent as `Authorization: Bearer <token>` to the dashboard, whose authentication checks it; null: none. */
  dashboardToken: string | null;
  /** `dashboard`: events go through the dashboard's invocation relay; `service`: to the function's Service. */
  invokeVia: 'dashboard' | 'service';
  /** With `service`: a function's base URL, `{name}` and `{namespace}` replaced. */
  functionUrlTemplate: string;
  /** How often the functions (states, replicas) are read again from the dashboard. */
  refreshMs: number;
  /** Longest wait for a function the API deploys to become ready. */
  deployTimeoutMs: number;
  /** host[:port] the nodes pull the functions the API deploys from; null: the factory's registry. */
  imageRegistry: string | null;
  /** The image pull Secret of the functions the API deploys, or `none`. */
  pullSecret: string;
  /** The service account of the functions the API deploys, or `none`. */
  serviceAccount: string;
  /** Replicas of a function the API deploys (each serves one event at a time). */
  deployReplicas: number;
  /** CPU of one replica of a function the API deploys (a Kubernetes quantity). */
  deployCpu: string;
}

/** The image factory's and the Docker client's settings, as written (factory/config derives paths). */
export interface FactorySettings {
  /** host[:port] images are pushed to. */
  registry: string;
  /** null: http for a loopback registry, https otherwise. */
  registryScheme: 'http' | 'https' | null;
  registryUsername: string;
  /** null: read `<data dir>/registry/password`, the file scripts/start-registry.sh writes. */
  registryPassword: string | null;
  buildTimeoutMs: number;
  /** Deadline of every engine call but build, push and pull: images and containers alike. */
  engineTimeoutMs: number;
  registryTimeoutMs: number;
  /** Builds at once in one process (the CLI's, the API's builder). */
  buildConcurrency: number;
  nuclioProcessorVersion: string;
  /** A PEM file or folder, `none`, or null for the host's own CA folder when it exists. */
  buildCa: string | null;
  /** Debian archive the root images are debootstrapped from (scripts/make-debian-root.sh). */
  debianMirror: string;
}

export interface BenchSettings {
  /** A smoke run of the benchmarks themselves: fewer rounds. */
  quick: boolean;
}

export interface CoderingConfig {
  host: string;
  port: number;
  platform: PlatformName;
  /** Where `codering.db` (build jobs), the registry's files and the engine's log live. */
  dataDir: string;
  logLevel: LogLevel;
  /** Who needs a key: everybody but the probes and docs (`required`), or only builders and admins (`run-open`). */
  auth: AuthMode;
  /** Requests a minute of one key (or one address without a key), unless the key has its own; 0: no limit. */
  rateLimitPerMinute: number;
  /** Runs in flight at once of one key (or one address without a key), unless the key has its own; 0: no limit. */
  keyMaxInFlight: number;
  /** Origins browser pages may call from (`https://host[:port]`, or `*`); empty: none. */
  corsOrigins: string[];
  /** Runtimes warmed at start-up (`/readyz` waits for them) and built by `npm run up`, unless `prebuild` is `none`. */
  defaultRuntimes: string[];
  /** What is built before a run needs it: the defaults, the whole catalogue too, or nothing. */
  prebuild: PrebuildMode;
  /** Warm workers each default runtime keeps even when unused (others scale to zero). */
  warmFloor: number;
  /** Worker containers at once, every image together; the memory budget and the sandbox uids may lower it. */
  maxWorkers: number;
  /** Memory the workers may take together, each counted at its container's memory limit. */
  workersMemoryBytes: number;
  /** Most workers of one image, so that one image can't hold every slot. */
  workersPerImageMax: number;
  /** Programs running at once, every image together: more only slow every run past its limits. */
  maxRunning: number;
  /** An image not run for this long scales back to its floor. */
  idleTtlMs: number;
  /** The past over which an image's demand (its busy workers) is measured. */
  demandWindowMs: number;
  /** Runs waiting for a worker, every image together, before `queue_full`. */
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
  /** Longest wait for a worker: then `queue_full` (every slot busy) or `not_ready` (workers can't start). */
  acquireTimeoutMs: number;
  /** How long a cancelled loser may take to answer before it is released as unhealthy. */
  cancelGraceMs: number;
  /**
   * Time a worker's proxy has, after each answer, to clean the worker and prove it as fresh as a new
   * one; past it the worker is retired (replaced), never reused. It is not the program's time.
   */
  cleanBudgetMs: number;
  hedge: HedgeConfig;
  /** Build jobs running at once in the API (a build saturates both cores). */
  buildConcurrency: number;
  /** Build jobs waiting before `queue_full`. */
  buildQueueMax: number;
  /** How long a run waits for the image of a runtime not built yet. */
  buildWaitMs: number;
  /** Times a job interrupted by a restart is resumed before it is marked failed. */
  buildMaxAttempts: number;
  /** How long an opened `GET /v1/run/ws` session waits for its run request before `invalid_request`. */
  socketFirstMessageMs: number;
  /**
   * How often an open session is pinged; a client that has not answered the previous ping (gone
   * without a FIN: a laptop shut, a network lost) is dropped, which cancels its run. 0: no pings.
   */
  socketPingMs: number;
  bodyLimitBytes: number;
  maxFiles: number;
  /** Sum of the files' contents, in UTF-8 bytes. */
  maxFilesBytes: number;
  maxArgs: number;
  maxArgBytes: number;
  maxStdinBytes: number;
  /**
   * Test cases of one judged run (`tests`). Their wall limits together may not exceed `maxLimits.wallMs`,
   * so that a judged run never takes longer than the longest single run (what Nuclio's event timeout covers);
   * cases that name no wall time share what the others leave of it (registry-api/executor/test-cases.ts).
   */
  maxTestCases: number;
  /** The operator's maxima: a request asking for more gets `limit_exceeds_maximum`. */
  maxLimits: RunLimits;
  /** What a request that names no limit gets. */
  defaultLimits: RunLimits;
  nuclio: NuclioConfig;
  factory: FactorySettings;
  bench: BenchSettings;
}
