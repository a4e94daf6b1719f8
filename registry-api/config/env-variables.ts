/**
 * Which `CODERING_*` variable sets which configuration field, and how its text is read. One table, so
 * that a schema error on a field can be reported under the variable the operator actually wrote.
 */

export type EnvKind = 'string' | 'integer' | 'list';

export interface EnvVariable {
  name: string;
  /** JSON pointer of the field, as ajv reports it (`/maxLimits/wallMs`). */
  pointer: string;
  kind: EnvKind;
}

const LIMIT_FIELDS: [string, string][] = [
  ['WALL_MS', 'wallMs'],
  ['CPU_MS', 'cpuMs'],
  ['COMPILE_WALL_MS', 'compileWallMs'],
  ['MEMORY_BYTES', 'memoryBytes'],
  ['OUTPUT_BYTES', 'outputBytes'],
  ['PROCESSES', 'processes'],
  ['FILE_BYTES', 'fileBytes'],
];

export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'CODERING_HOST', pointer: '/host', kind: 'string' },
  { name: 'CODERING_PORT', pointer: '/port', kind: 'integer' },
  { name: 'CODERING_PLATFORM', pointer: '/platform', kind: 'string' },
  { name: 'CODERING_DATA_DIR', pointer: '/dataDir', kind: 'string' },
  { name: 'CODERING_LOG_LEVEL', pointer: '/logLevel', kind: 'string' },
  { name: 'CODERING_DEFAULT_RUNTIMES', pointer: '/defaultRuntimes', kind: 'list' },
  { name: 'CODERING_POOL_SIZE', pointer: '/poolSize', kind: 'integer' },
  { name: 'CODERING_POOL_MAX_TOTAL', pointer: '/poolMaxTotal', kind: 'integer' },
  { name: 'CODERING_QUEUE_MAX', pointer: '/queueMax', kind: 'integer' },
  { name: 'CODERING_RACE_MODE', pointer: '/raceMode', kind: 'string' },
  { name: 'CODERING_PAIR_MAX_IN_FLIGHT', pointer: '/pairMaxInFlight', kind: 'integer' },
  { name: 'CODERING_RETRIES', pointer: '/retries', kind: 'integer' },
  { name: 'CODERING_RUN_MARGIN_MS', pointer: '/runMarginMs', kind: 'integer' },
  { name: 'CODERING_ACQUIRE_TIMEOUT_MS', pointer: '/acquireTimeoutMs', kind: 'integer' },
  { name: 'CODERING_CANCEL_GRACE_MS', pointer: '/cancelGraceMs', kind: 'integer' },
  { name: 'CODERING_CLEAN_BUDGET_MS', pointer: '/cleanBudgetMs', kind: 'integer' },
  { name: 'CODERING_HEDGE_DEFAULT_DELAY_MS', pointer: '/hedge/defaultDelayMs', kind: 'integer' },
  { name: 'CODERING_HEDGE_FLOOR_MS', pointer: '/hedge/floorMs', kind: 'integer' },
  { name: 'CODERING_HEDGE_WINDOW', pointer: '/hedge/windowSize', kind: 'integer' },
  { name: 'CODERING_HEDGE_MIN_SAMPLES', pointer: '/hedge/minSamples', kind: 'integer' },
  { name: 'CODERING_BUILD_CONCURRENCY', pointer: '/buildConcurrency', kind: 'integer' },
  { name: 'CODERING_BUILD_QUEUE_MAX', pointer: '/buildQueueMax', kind: 'integer' },
  { name: 'CODERING_BUILD_WAIT_MS', pointer: '/buildWaitMs', kind: 'integer' },
  { name: 'CODERING_BUILD_MAX_ATTEMPTS', pointer: '/buildMaxAttempts', kind: 'integer' },
  { name: 'CODERING_BODY_LIMIT_BYTES', pointer: '/bodyLimitBytes', kind: 'integer' },
  { name: 'CODERING_MAX_FILES', pointer: '/maxFiles', kind: 'integer' },
  { name: 'CODERING_MAX_FILES_BYTES', pointer: '/maxFilesBytes', kind: 'integer' },
  { name: 'CODERING_MAX_ARGS', pointer: '/maxArgs', kind: 'integer' },
  { name: 'CODERING_MAX_ARG_BYTES', pointer: '/maxArgBytes', kind: 'integer' },
  { name: 'CODERING_MAX_STDIN_BYTES', pointer: '/maxStdinBytes', kind: 'integer' },
  ...LIMIT_FIELDS.map(([suffix, field]) => ({
    name: `CODERING_MAX_${suffix}`,
    pointer: `/maxLimits/${field}`,
    kind: 'integer' as const,
  })),
  ...LIMIT_FIELDS.map(([suffix, field]) => ({
    name: `CODERING_DEFAULT_${suffix}`,
    pointer: `/defaultLimits/${field}`,
    kind: 'integer' as const,
  })),
  { name: 'CODERING_NUCLIO_DASHBOARD_URL', pointer: '/nuclio/dashboardUrl', kind: 'string' },
  { name: 'CODERING_NUCLIO_NAMESPACE', pointer: '/nuclio/namespace', kind: 'string' },
  { name: 'CODERING_NUCLIO_PROJECT', pointer: '/nuclio/project', kind: 'string' },
  { name: 'CODERING_NUCLIO_FUNCTION_PREFIX', pointer: '/nuclio/functionPrefix', kind: 'string' },
  { name: 'CODERING_NUCLIO_INVOKE_TIMEOUT_MS', pointer: '/nuclio/invokeTimeoutMs', kind: 'integer' },
];

/** The variable behind a field or behind its container (`/defaultRuntimes/0` → the list's variable). */
export function variableFor(pointer: string): EnvVariable | undefined {
  return ENV_VARIABLES.find(
    (variable) => variable.pointer === pointer || pointer.startsWith(`${variable.pointer}/`),
  );
}
