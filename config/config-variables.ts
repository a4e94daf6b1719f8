/**
 * The one table of `CODERING_*` variables: which field each sets, how its text is read, its default
 * and what it means. The defaults object, the loader, `codering config`, the README's table and the
 * scripts' fallbacks all come from here, so that no two places can disagree on a default.
 * Defaults were chosen for one 2-core machine: limits close to codapi's and Judge0's, two warm
 * workers for each default runtime and as many for the rest as demand and memory allow, one build
 * at a time.
 */

import { availableParallelism, totalmem } from 'node:os';

/** Whole MiB, so that the default reads well in `codering config`. */
function halfTheHostMemory(): number {
  return Math.floor(totalmem() / 2 / MiB) * MiB;
}

export type VariableKind = 'string' | 'integer' | 'list' | 'flag';
export type VariableValue = string | number | boolean | string[] | null;

export interface ConfigVariable {
  name: string;
  /** JSON pointer of the field, as ajv reports it (`/maxLimits/wallMs`). */
  pointer: string;
  kind: VariableKind;
  /** The value when the variable is unset; null where the loader derives it (see `defaultText`). */
  default: VariableValue;
  /** How the README shows a default that depends on the machine or on another variable. */
  defaultText?: string;
  /** One line for the README and `codering config`. */
  meaning: string;
  /** Never printed by `codering config`. */
  secret?: boolean;
}

const MiB = 1024 * 1024;

const LIMITS: [suffix: string, field: string, max: number, standard: number, meaning: string][] = [
  ['WALL_MS', 'wallMs', 20_000, 5000, 'wall time of a run'],
  ['CPU_MS', 'cpuMs', 20_000, 5000, 'CPU time of a run'],
  ['COMPILE_WALL_MS', 'compileWallMs', 60_000, 20_000, 'wall time of the compile step'],
  ['MEMORY_BYTES', 'memoryBytes', 512 * MiB, 128 * MiB, 'memory of a run'],
  ['OUTPUT_BYTES', 'outputBytes', MiB, 64 * 1024, 'stdout and stderr kept, each'],
  ['PROCESSES', 'processes', 256, 64, 'processes and threads of a run'],
  ['FILE_BYTES', 'fileBytes', 64 * MiB, 8 * MiB, 'size of one file a run writes'],
];

type Row = [name: string, pointer: string, kind: VariableKind, value: VariableValue, meaning: string, extra?: Partial<ConfigVariable>];

const ROWS: Row[] = [
  // where things live, shared by the scripts, the factory and the API
  ['CODERING_DATA_DIR', '/dataDir', 'string', '.data', 'data folder, relative to the repository root: job database, registry files, engine log'],
  ['CODERING_DEFAULT_RUNTIMES', '/defaultRuntimes', 'list', ['python@latest', 'node@latest', 'php@latest'], 'runtimes `npm run up` builds and the API warms (commas)'],
  ['CODERING_PREBUILD', '/prebuild', 'string', 'default', '`default`: the default runtimes are built before serving and warmed; `all`: those, then every version of the catalogue in the background; `none`: nothing, runs build on demand'],
  // the API
  ['CODERING_HOST', '/host', 'string', '127.0.0.1', 'address the API listens on'],
  ['CODERING_PORT', '/port', 'integer', 8080, 'port the API listens on'],
  ['CODERING_PLATFORM', '/platform', 'string', 'local', '`local` (warm containers on this engine) or `nuclio`'],
  ['CODERING_LOG_LEVEL', '/logLevel', 'string', 'info', 'pino log level'],
  ['CODERING_AUTH', '/auth', 'string', 'run-open', '`run-open`: running (`/v1/run`, `/v1/runtimes`) needs no key, building and admin do; `required`: every route but `/healthz`, `/readyz` and `/docs` needs a key'],
  ['CODERING_RATE_LIMIT_PER_MINUTE', '/rateLimitPerMinute', 'integer', 600, 'requests a minute of one key (or one address without a key) before `rate_limited`; a key may have its own; `0`: no limit'],
  ['CODERING_KEY_MAX_IN_FLIGHT', '/keyMaxInFlight', 'integer', 16, 'runs in flight at once of one key (or one address without a key) before `too_many_runs`; a key may have its own; `0`: no limit'],
  ['CODERING_CORS_ORIGINS', '/corsOrigins', 'list', [], 'origins a browser page may call the API from (commas, `https://host[:port]`; `*`: any); a request from another origin gets no CORS headers', { defaultText: 'none' }],
  ['CODERING_WARM_FLOOR', '/warmFloor', 'integer', 2, 'warm workers each default runtime keeps when unused (a pair races on them); other images scale to zero'],
  ['CODERING_MAX_WORKERS', '/maxWorkers', 'integer', 64, 'worker containers at once, all images together (the memory budget and the 64 sandbox uids may lower it)'],
  ['CODERING_WORKERS_MEMORY_BYTES', '/workersMemoryBytes', 'integer', halfTheHostMemory(), "memory of all workers together, each counted at its container's limit (512 MiB)", { defaultText: 'half the host memory' }],
  ['CODERING_MAX_RUNNING', '/maxRunning', 'integer', 2 * availableParallelism(), 'programs running at once, all images together (a race counts two); more wait in line', { defaultText: 'twice the cores' }],
  ['CODERING_WORKERS_PER_IMAGE_MAX', '/workersPerImageMax', 'integer', 8, 'most workers of one image, however busy'],
  ['CODERING_IDLE_TTL_MS', '/idleTtlMs', 'integer', 5 * 60_000, 'an image not run for this long scales back to its floor'],
  ['CODERING_DEMAND_WINDOW_MS', '/demandWindowMs', 'integer', 60_000, "the past an image's demand (workers busy) is measured over"],
  ['CODERING_QUEUE_MAX', '/queueMax', 'integer', 64, 'runs waiting for a worker, all images together, before `queue_full`'],
  ['CODERING_RACE_MODE', '/raceMode', 'string', 'pair', '`pair`, `hedged` or `single`; a request may ask for one with `"mode"`'],
  ['CODERING_PAIR_MAX_IN_FLIGHT', '/pairMaxInFlight', 'integer', Math.max(1, Math.floor(availableParallelism() / 2)), 'runs in flight beyond which a `pair` run is hedged instead', { defaultText: 'half the cores' }],
  ['CODERING_RETRIES', '/retries', 'integer', 2, 'extra attempts after both workers of an attempt failed'],
  ['CODERING_RUN_MARGIN_MS', '/runMarginMs', 'integer', 3000, "added to a run's limits to bound the wait for a worker's answer"],
  ['CODERING_ACQUIRE_TIMEOUT_MS', '/acquireTimeoutMs', 'integer', 15_000, 'longest wait for a worker: then `queue_full` (every slot busy) or `not_ready` (workers can not start)'],
  ['CODERING_CANCEL_GRACE_MS', '/cancelGraceMs', 'integer', 2000, 'time a cancelled worker has to answer before it is replaced'],
  ['CODERING_CLEAN_BUDGET_MS', '/cleanBudgetMs', 'integer', 5000, 'time a worker has after each answer to clean and prove itself fresh; past it, it is replaced'],
  ['CODERING_HEDGE_DEFAULT_DELAY_MS', '/hedge/defaultDelayMs', 'integer', 250, 'delay of the second worker until enough latencies are known'],
  ['CODERING_HEDGE_FLOOR_MS', '/hedge/floorMs', 'integer', 20, 'never hedge sooner than this'],
  ['CODERING_HEDGE_WINDOW', '/hedge/windowSize', 'integer', 200, 'latencies kept per runtime for the p95'],
  ['CODERING_HEDGE_MIN_SAMPLES', '/hedge/minSamples', 'integer', 20, 'latencies needed before the p95 replaces the default delay'],
  ['CODERING_BUILD_CONCURRENCY', '/buildConcurrency', 'integer', 1, 'build jobs the API runs at once'],
  ['CODERING_BUILD_QUEUE_MAX', '/buildQueueMax', 'integer', 50, 'build jobs waiting before `queue_full`'],
  ['CODERING_BUILD_WAIT_MS', '/buildWaitMs', 'integer', 10 * 60_000, 'how long a run waits for an image not built yet'],
  ['CODERING_BUILD_MAX_ATTEMPTS', '/buildMaxAttempts', 'integer', 2, 'times a build job interrupted by a restart is resumed'],
  // the WebSocket of interactive runs (`GET /v1/run/ws`)
  ['CODERING_SOCKET_FIRST_MESSAGE_MS', '/socketFirstMessageMs', 'integer', 10_000, 'how long an opened WebSocket session waits for its run request; then it closes with `invalid_request` (4400)'],
  ['CODERING_SOCKET_PING_MS', '/socketPingMs', 'integer', 15_000, 'how often the server pings an open WebSocket session; one that has not answered the previous ping is dropped and its run cancelled; `0`: no pings'],
  ['CODERING_BODY_LIMIT_BYTES', '/bodyLimitBytes', 'integer', MiB, 'largest request body'],
  ['CODERING_MAX_FILES', '/maxFiles', 'integer', 64, 'files of one run'],
  ['CODERING_MAX_FILES_BYTES', '/maxFilesBytes', 'integer', 512 * 1024, "sum of a run's files, in UTF-8 bytes"],
  ['CODERING_MAX_ARGS', '/maxArgs', 'integer', 64, 'arguments of one run'],
  ['CODERING_MAX_ARG_BYTES', '/maxArgBytes', 'integer', 4096, 'bytes of one argument'],
  ['CODERING_MAX_STDIN_BYTES', '/maxStdinBytes', 'integer', 256 * 1024, "bytes of a run's stdin"],
  ['CODERING_MAX_TEST_CASES', '/maxTestCases', 'integer', 64, "test cases of one judged run (`tests`, at most 256); their wall limits together may not exceed `CODERING_MAX_WALL_MS` (cases naming none share it)"],
  ...LIMITS.map(([suffix, field, max, , meaning]): Row => [`CODERING_MAX_${suffix}`, `/maxLimits/${field}`, 'integer', max, `operator maximum: ${meaning}`]),
  ...LIMITS.map(([suffix, field, , standard, meaning]): Row => [`CODERING_DEFAULT_${suffix}`, `/defaultLimits/${field}`, 'integer', standard, `when a request names none: ${meaning}`]),
  ['CODERING_NUCLIO_DASHBOARD_URL', '/nuclio/dashboardUrl', 'string', 'http://nuclio-dashboard.nuclio.svc.cluster.local:8070', "Nuclio dashboard (platform `nuclio`)"],
  ['CODERING_NUCLIO_NAMESPACE', '/nuclio/namespace', 'string', 'nuclio', "Nuclio's namespace"],
  ['CODERING_NUCLIO_PROJECT', '/nuclio/project', 'string', 'codering', 'Nuclio project of the functions'],
  ['CODERING_NUCLIO_FUNCTION_PREFIX', '/nuclio/functionPrefix', 'string', 'codering-', 'prefix of function names'],
  ['CODERING_NUCLIO_INVOKE_TIMEOUT_MS', '/nuclio/invokeTimeoutMs', 'integer', 30_000, 'deadline of one function invocation'],
  // The dashboard's authentication (infra turns it on) checks this bearer token on every call.
  ['CODERING_NUCLIO_DASHBOARD_TOKEN', '/nuclio/dashboardToken', 'string', null, 'bearer token the API sends to the Nuclio dashboard (`Authorization: Bearer …`); unset: no header', { defaultText: 'none', secret: true }],
  ['CODERING_NUCLIO_INVOKE_VIA', '/nuclio/invokeVia', 'string', 'dashboard', "how events reach a function: `dashboard` (the dashboard's invocation relay) or `service` (the function's own Service, from inside the cluster)"],
  ['CODERING_NUCLIO_FUNCTION_URL', '/nuclio/functionUrlTemplate', 'string', 'http://nuclio-{name}.{namespace}.svc.cluster.local:8080/', "with `service`: a function's URL, `{name}` and `{namespace}` replaced"],
  ['CODERING_NUCLIO_REFRESH_MS', '/nuclio/refreshMs', 'integer', 5000, 'how often the functions, their states and their replicas are read again from the dashboard'],
  // Longer than a function's readinessTimeoutSeconds (600 s by default), so that Nuclio's verdict comes first.
  ['CODERING_NUCLIO_DEPLOY_TIMEOUT_MS', '/nuclio/deployTimeoutMs', 'integer', 12 * 60_000, "longest wait for a function the API deploys (an exercise's) to become ready"],
  ['CODERING_NUCLIO_IMAGE_REGISTRY', '/nuclio/imageRegistry', 'string', null, 'registry host[:port] the nodes pull the images of the functions the API deploys from', { defaultText: '`CODERING_REGISTRY`' }],
  ['CODERING_NUCLIO_PULL_SECRET', '/nuclio/pullSecret', 'string', 'codering-registry', 'image pull Secret of the functions the API deploys; `none` for none'],
  ['CODERING_NUCLIO_SERVICE_ACCOUNT', '/nuclio/serviceAccount', 'string', 'codering-function', 'service account of the functions the API deploys (one that mounts no token); `none` for the namespace default'],
  ['CODERING_NUCLIO_DEPLOY_REPLICAS', '/nuclio/deployReplicas', 'integer', 1, 'replicas of a function the API deploys'],
  ['CODERING_NUCLIO_DEPLOY_CPU', '/nuclio/deployCpu', 'string', '1', 'CPU of one replica of a function the API deploys'],
  // the factory and the Docker client
  ['CODERING_REGISTRY', '/factory/registry', 'string', '127.0.0.1:5000', 'registry host[:port] images are pushed to; a non-local one is only checked, not started'],
  ['CODERING_REGISTRY_SCHEME', '/factory/registryScheme', 'string', null, '`http` or `https`', { defaultText: 'http for 127.0.0.0/8 and localhost, else https' }],
  ['CODERING_REGISTRY_USERNAME', '/factory/registryUsername', 'string', 'codering', "the registry's user"],
  ['CODERING_REGISTRY_PASSWORD', '/factory/registryPassword', 'string', null, "the registry's password, generated once by `scripts/prepare-engine.sh`", { defaultText: 'the content of `<data dir>/registry/password`', secret: true }],
  ['CODERING_BUILD_TIMEOUT_MS', '/factory/buildTimeoutMs', 'integer', 30 * 60_000, 'deadline of one build, push or pull'],
  ['CODERING_ENGINE_TIMEOUT_MS', '/factory/engineTimeoutMs', 'integer', 30_000, 'deadline of every other Docker engine call, images and containers alike'],
  ['CODERING_REGISTRY_TIMEOUT_MS', '/factory/registryTimeoutMs', 'integer', 10_000, 'deadline of one registry HTTP request'],
  ['CODERING_FACTORY_BUILD_CONCURRENCY', '/factory/buildConcurrency', 'integer', 1, 'image builds at once in one process'],
  // Must equal the app version of the Nuclio platform (Helm chart) the functions are deployed to.
  ['CODERING_NUCLIO_PROCESSOR_VERSION', '/factory/nuclioProcessorVersion', 'string', '1.14.1', 'Nuclio processor image of the cluster target'],
  ['CODERING_BUILD_CA', '/factory/buildCa', 'string', null, "CA certificates (PEM file or folder) library installers trust while an image builds (a TLS-intercepting proxy's); `none` for none", { defaultText: "the host's `/usr/local/share/ca-certificates`" }],
  ['CODERING_DEBIAN_MIRROR', '/factory/debianMirror', 'string', 'http://deb.debian.org/debian', 'Debian archive debootstrap makes the root images from'],
  // the benchmarks
  ['CODERING_BENCH_QUICK', '/bench/quick', 'flag', false, '`1`: a smoke run of the benchmarks, fewer rounds'],
];

export const CONFIG_VARIABLES: readonly ConfigVariable[] = ROWS.map(([name, pointer, kind, value, meaning, extra]) => ({
  name,
  pointer,
  kind,
  default: value,
  meaning,
  ...extra,
}));

/**
 * `CODERING_*` names that are not configuration, so the loader does not refuse them as unknown: the
 * integration tests' own markers (they check the host's environment never reaches a worker).
 */
export const NOT_CONFIGURATION_PREFIXES: readonly string[] = ['CODERING_TEST_'];

/** The variable behind a field or behind its container (`/defaultRuntimes/0` → the list's variable). */
export function variableFor(pointer: string): ConfigVariable | undefined {
  return CONFIG_VARIABLES.find((variable) => variable.pointer === pointer || pointer.startsWith(`${variable.pointer}/`));
}

export function variableNamed(name: string): ConfigVariable | undefined {
  return CONFIG_VARIABLES.find((variable) => variable.name === name);
}
