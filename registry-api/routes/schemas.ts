/**
 * JSON schemas of the API: validation of what comes in, serialization of what goes out, and the
 * OpenAPI document at `/docs`. Shapes only; sizes that depend on the operator's configuration are
 * checked by the executor (run-input.ts) so that they can answer with their own error codes.
 */

import { ERROR_CATALOGUE } from '../../errors';
import { JOB_STATES } from '../jobs/build-job';

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** Every route answers errors in the same shape. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

const runtimeSpec = { type: 'string', minLength: 1, maxLength: 64, description: '`python@3.11`, `node@^20`, `py`' };
const libraries = {
  type: 'array',
  maxItems: 64,
  items: { type: 'string', minLength: 1, maxLength: 256 },
  description: 'Library specs of the runtime\'s ecosystem (`lodash@4`, `requests==2.31.0`) or `apt:<package>`',
};

export const runtimeSchema = {
  type: 'object',
  required: ['language', 'displayName', 'aliases', 'main', 'compiled', 'libraries', 'versions'],
  properties: {
    language: { type: 'string' },
    displayName: { type: 'string' },
    aliases: { type: 'array', items: { type: 'string' } },
    main: { type: 'string', description: 'Default main file name' },
    compiled: { type: 'boolean' },
    libraries: { type: 'string', description: 'Library ecosystem: npm, pip, gem, composer, apt or none' },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'suite', 'upstreamImage'],
        properties: { version: { type: 'string' }, suite: { type: 'string' }, upstreamImage: { type: 'string' } },
      },
    },
  },
} as const;

export const imageRefSchema = {
  type: ['object', 'null'],
  required: ['reference', 'digest'],
  properties: { reference: { type: 'string' }, digest: { type: ['string', 'null'] } },
} as const;

export const resolvedRuntimeSchema = {
  type: 'object',
  required: ['id', 'language', 'version', 'displayName', 'suite', 'upstreamImage', 'main', 'compiled', 'libraries', 'image'],
  properties: {
    id: { type: 'string' },
    language: { type: 'string' },
    version: { type: 'string' },
    displayName: { type: 'string' },
    suite: { type: 'string' },
    upstreamImage: { type: 'string' },
    main: { type: 'string' },
    compiled: { type: 'boolean' },
    libraries: { type: 'string' },
    image: { ...imageRefSchema, description: 'The built image, or null when not built yet' },
  },
} as const;

export const imageRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['runtime'],
  properties: { runtime: runtimeSpec, libraries },
} as const;

export const jobSchema = {
  type: 'object',
  required: ['id', 'state', 'runtime', 'runtimeId', 'libraries', 'progress', 'image', 'error', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: [...JOB_STATES] },
    runtime: { type: 'string' },
    runtimeId: { type: 'string' },
    libraries: { type: 'array', items: { type: 'string' } },
    progress: {
      type: ['object', 'null'],
      properties: {
        stage: { type: 'string' },
        step: { type: 'integer' },
        total: { type: 'integer' },
        message: { type: 'string' },
      },
    },
    image: {
      type: ['object', 'null'],
      properties: {
        runtimeId: { type: 'string' },
        reference: { type: 'string' },
        digest: { type: ['string', 'null'] },
        cached: { type: 'boolean' },
        libraries: { type: 'array', items: { type: 'string' } },
      },
    },
    error: {
      type: ['object', 'null'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
    attempts: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

const limitValue = { type: 'integer', minimum: 1 };

export const runRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['files'],
  properties: {
    runtime: runtimeSpec,
    image: { type: 'string', minLength: 1, maxLength: 512, description: 'A reference built by a build job' },
    files: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'content'],
        properties: { name: { type: 'string', maxLength: 1024 }, content: { type: 'string' } },
      },
    },
    main: { type: 'string', minLength: 1, maxLength: 1024 },
    stdin: { type: 'string' },
    args: { type: 'array', items: { type: 'string' } },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        wallMs: limitValue,
        cpuMs: limitValue,
        memoryBytes: limitValue,
        outputBytes: limitValue,
        processes: limitValue,
      },
    },
    libraries,
    mode: { type: 'string', enum: ['pair', 'hedged', 'single'] },
  },
} as const;

export const runResponseSchema = {
  type: 'object',
  required: ['status', 'stdout', 'stderr', 'exitCode', 'signal', 'stdoutTruncated', 'stderrTruncated', 'timings', 'runtime', 'race'],
  properties: {
    status: {
      type: 'string',
      enum: ['ok', 'runtime_error', 'compile_error', 'timeout', 'memory_limit', 'output_limit', 'cancelled', 'internal_error'],
    },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    exitCode: { type: ['integer', 'null'] },
    signal: { type: ['string', 'null'] },
    stdoutTruncated: { type: 'boolean' },
    stderrTruncated: { type: 'boolean' },
    compile: {
      type: 'object',
      properties: { stdout: { type: 'string' }, stderr: { type: 'string' }, exitCode: { type: ['integer', 'null'] } },
    },
    timings: {
      type: 'object',
      properties: {
        queueMs: { type: 'number' },
        compileMs: { type: 'number' },
        runMs: { type: 'number' },
        totalMs: { type: 'number' },
      },
    },
    usage: {
      type: 'object',
      description: "The program's own CPU time and peak resident memory (the run step, not the compiler)",
      properties: { cpuMs: { type: 'number' }, memoryBytes: { type: 'number' } },
    },
    runtime: {
      type: 'object',
      properties: { id: { type: 'string' }, image: { type: 'string' }, digest: { type: ['string', 'null'] } },
    },
    race: {
      type: 'object',
      properties: {
        mode: { type: 'string' },
        requested: { type: 'string' },
        workers: { type: 'integer' },
        winner: { type: 'integer', enum: [1, 2] },
        fallback: { type: 'boolean' },
        retries: { type: 'integer' },
      },
    },
  },
} as const;
