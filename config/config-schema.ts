/**
 * The JSON schema the whole configuration is checked against once, after defaults and environment
 * are merged. Cross-field rules (a default above its maximum) are checked in load-config.ts, where
 * the message can name both variables.
 */

import type { JSONSchemaType } from 'ajv';
import type { RunLimits } from '../proxy';
import { AUTH_MODES } from './auth-modes';
import type { BenchSettings, CoderingConfig, FactorySettings, NuclioConfig } from './codering-config';
import { PREBUILD_MODES } from './prebuild-modes';
import { RACE_MODES } from './race-modes';

const positiveInt = { type: 'integer', minimum: 1 } as const;

const limitsSchema: JSONSchemaType<RunLimits> = {
  type: 'object',
  additionalProperties: false,
  required: ['wallMs', 'cpuMs', 'compileWallMs', 'memoryBytes', 'outputBytes', 'processes', 'fileBytes'],
  properties: {
    wallMs: { type: 'integer', minimum: 1, maximum: 600_000 },
    cpuMs: { type: 'integer', minimum: 1, maximum: 600_000 },
    compileWallMs: { type: 'integer', minimum: 1, maximum: 600_000 },
    memoryBytes: { type: 'integer', minimum: 4 * 1024 * 1024 },
    outputBytes: { type: 'integer', minimum: 1 },
    processes: { type: 'integer', minimum: 1, maximum: 4096 },
    fileBytes: { type: 'integer', minimum: 1 },
  },
};

// ajv's JSONSchemaType types a nullable field only as optional, not as a required `string | null`:
// the factory's part is checked by the same schema, typed a little more loosely.
const factorySchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'registry', 'registryScheme', 'registryUsername', 'registryPassword', 'buildTimeoutMs', 'engineTimeoutMs',
    'registryTimeoutMs', 'buildConcurrency', 'nuclioProcessorVersion', 'buildCa', 'debianMirror',
  ],
  properties: {
    // host[:port], no scheme, no path: it becomes the first component of image references.
    registry: { type: 'string', pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' },
    registryScheme: { type: 'string', nullable: true, enum: ['http', 'https', null] },
    registryUsername: { type: 'string', minLength: 1 },
    registryPassword: { type: 'string', nullable: true, minLength: 1 },
    buildTimeoutMs: { type: 'integer', minimum: 1000 },
    engineTimeoutMs: { type: 'integer', minimum: 100 },
    registryTimeoutMs: { type: 'integer', minimum: 100 },
    buildConcurrency: { type: 'integer', minimum: 1, maximum: 16 },
    nuclioProcessorVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' },
    buildCa: { type: 'string', nullable: true, minLength: 1 },
    debianMirror: { type: 'string', pattern: '^https?://' },
  },
} as unknown as JSONSchemaType<FactorySettings>;

const benchSchema: JSONSchemaType<BenchSettings> = {
  type: 'object',
  additionalProperties: false,
  required: ['quick'],
  properties: { quick: { type: 'boolean' } },
};

export const coderingConfigSchema: JSONSchemaType<CoderingConfig> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'host', 'port', 'platform', 'dataDir', 'logLevel', 'auth', 'rateLimitPerMinute', 'keyMaxInFlight', 'corsOrigins', 'defaultRuntimes', 'prebuild', 'warmFloor', 'maxWorkers',
    'workersMemoryBytes', 'workersPerImageMax', 'maxRunning', 'idleTtlMs', 'demandWindowMs', 'queueMax', 'raceMode', 'pairMaxInFlight', 'retries', 'runMarginMs', 'acquireTimeoutMs', 'cancelGraceMs', 'cleanBudgetMs', 'hedge',
    'buildConcurrency', 'buildQueueMax', 'buildWaitMs', 'buildMaxAttempts', 'socketFirstMessageMs', 'socketPingMs', 'bodyLimitBytes', 'maxFiles',
    'maxFilesBytes', 'maxArgs', 'maxArgBytes', 'maxStdinBytes', 'maxTestCases', 'maxLimits', 'defaultLimits', 'nuclio', 'factory',
    'bench',
  ],
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    platform: { type: 'string', enum: ['local', 'nuclio'] },
    dataDir: { type: 'string', minLength: 1 },
    logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    auth: { type: 'string', enum: AUTH_MODES },
    rateLimitPerMinute: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    keyMaxInFlight: { type: 'integer', minimum: 0, maximum: 4096 },
    // An origin is scheme://host[:port], nothing after it: `https://x.org/` would match no browser's Origin.
    corsOrigins: { type: 'array', items: { type: 'string', pattern: '^(\\*|https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?)$' } },
    defaultRuntimes: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 } },
    prebuild: { type: 'string', enum: PREBUILD_MODES },
    warmFloor: { type: 'integer', minimum: 1, maximum: 64 },
    maxWorkers: positiveInt,
    workersMemoryBytes: { type: 'integer', minimum: 16 * 1024 * 1024 },
    workersPerImageMax: { type: 'integer', minimum: 1, maximum: 1024 },
    maxRunning: { type: 'integer', minimum: 1, maximum: 4096 },
    idleTtlMs: { type: 'integer', minimum: 1000 },
    demandWindowMs: { type: 'integer', minimum: 1000 },
    queueMax: { type: 'integer', minimum: 0 },
    raceMode: { type: 'string', enum: RACE_MODES },
    pairMaxInFlight: { type: 'integer', minimum: 1, maximum: 1024 },
    retries: { type: 'integer', minimum: 0, maximum: 10 },
    runMarginMs: positiveInt,
    acquireTimeoutMs: positiveInt,
    cancelGraceMs: positiveInt,
    cleanBudgetMs: { type: 'integer', minimum: 100, maximum: 600_000 },
    hedge: {
      type: 'object',
      additionalProperties: false,
      required: ['defaultDelayMs', 'floorMs', 'windowSize', 'minSamples'],
      properties: {
        defaultDelayMs: { type: 'integer', minimum: 0 },
        floorMs: { type: 'integer', minimum: 0 },
        windowSize: positiveInt,
        minSamples: positiveInt,
      },
    },
    buildConcurrency: { type: 'integer', minimum: 1, maximum: 16 },
    buildQueueMax: positiveInt,
    buildWaitMs: positiveInt,
    buildMaxAttempts: positiveInt,
    socketFirstMessageMs: { type: 'integer', minimum: 100, maximum: 600_000 },
    // 0 turns the pings off; any other interval is at least 100 ms (shorter ones only flood the clients)
    socketPingMs: { type: 'integer', minimum: 0, maximum: 600_000, if: { exclusiveMinimum: 0 }, then: { minimum: 100 } },
    bodyLimitBytes: { type: 'integer', minimum: 1024 },
    maxFiles: positiveInt,
    maxFilesBytes: positiveInt,
    maxArgs: { type: 'integer', minimum: 0 },
    maxArgBytes: positiveInt,
    maxStdinBytes: { type: 'integer', minimum: 0 },
    // the proxy reads at most 256 `case` fields (MAX_CASES in proxy/c/cases.h)
    maxTestCases: { type: 'integer', minimum: 1, maximum: 256 },
    maxLimits: limitsSchema,
    defaultLimits: limitsSchema,
    nuclio: {
      type: 'object',
      additionalProperties: false,
      required: [
        'dashboardUrl', 'namespace', 'project', 'functionPrefix', 'invokeTimeoutMs', 'dashboardToken', 'invokeVia',
        'functionUrlTemplate', 'refreshMs', 'deployTimeoutMs', 'imageRegistry', 'pullSecret', 'serviceAccount',
        'deployReplicas', 'deployCpu',
      ],
      properties: {
        dashboardUrl: { type: 'string', pattern: '^https?://' },
        namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
        project: { type: 'string', minLength: 1 },
        functionPrefix: { type: 'string', pattern: '^[a-z0-9-]*$' },
        invokeTimeoutMs: positiveInt,
        // Header-safe: no whitespace or control characters, long enough not to be guessed.
        dashboardToken: { type: 'string', nullable: true, pattern: '^[\\x21-\\x7e]{32,}$' },
        invokeVia: { type: 'string', enum: ['dashboard', 'service'] },
        functionUrlTemplate: { type: 'string', pattern: '^https?://.*\\{name\\}' },
        refreshMs: { type: 'integer', minimum: 100 },
        deployTimeoutMs: { type: 'integer', minimum: 1000 },
        imageRegistry: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' },
        pullSecret: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
        serviceAccount: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
        deployReplicas: { type: 'integer', minimum: 1, maximum: 64 },
        deployCpu: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?m?$' },
      },
      // ajv's JSONSchemaType cannot express a nullable string inside a required object (as factorySchema).
    } as unknown as JSONSchemaType<NuclioConfig>,
    factory: factorySchema,
    bench: benchSchema,
  },
};
