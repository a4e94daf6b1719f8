/**
 * The factory's settings, from `CODERING_*` variables, checked once against a schema and frozen.
 * The registry's password defaults to the file scripts/start-registry.sh writes
 * (`<data dir>/registry/password`), so a machine set up by the scripts needs no variable at all.
 *
 *   CODERING_REGISTRY                  registry host[:port] images are pushed to   (127.0.0.1:5000)
 *   CODERING_REGISTRY_USERNAME         its user                                    (codering)
 *   CODERING_REGISTRY_PASSWORD         its password               (<data dir>/registry/password)
 *   CODERING_REGISTRY_SCHEME           http or https     (http for 127.0.0.0/8 and localhost, else https)
 *   CODERING_DATA_DIR                  data folder, relative to the repository root (.data)
 *   CODERING_BUILD_TIMEOUT_MS          deadline of one build, push or pull          (1 800 000)
 *   CODERING_ENGINE_TIMEOUT_MS         deadline of any other engine call               (30 000)
 *   CODERING_REGISTRY_TIMEOUT_MS       deadline of one registry HTTP request           (10 000)
 *   CODERING_FACTORY_BUILD_CONCURRENCY builds at once in this process                      (1)
 *   CODERING_NUCLIO_PROCESSOR_VERSION  Nuclio processor of the cluster target         (1.14.1)
 *   CODERING_BUILD_CA                  PEM file, or folder of *.crt, that library installers trust
 *                                      while building (a TLS-intercepting proxy's CA); `none` for
 *                                      none          (/usr/local/share/ca-certificates, the host's own)
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type SchemaObject } from 'ajv';
import { CoderingError } from '../errors';
import type { ContextFile } from './engine/build-context';
import { NUCLIO_PROCESSOR_VERSION } from './templates/render-image';

export interface FactoryConfig {
  registry: string;
  registryScheme: 'http' | 'https';
  registryUsername: string;
  /** null when neither the variable nor the password file gives one (pushes then go without auth). */
  registryPassword: string | null;
  /** Absolute. */
  dataDir: string;
  buildTimeoutMs: number;
  engineTimeoutMs: number;
  registryTimeoutMs: number;
  buildConcurrency: number;
  nuclioProcessorVersion: string;
  /** Absolute path of a PEM file or a folder of them, or null for none. */
  buildCa: string | null;
}

/** Debian's place for the CAs an administrator adds: trusted by the host, so by its builds too. */
export const HOST_LOCAL_CA_DIRECTORY = '/usr/local/share/ca-certificates';

/** The repository root: relative data dirs are taken from there, as the scripts do. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..');

// A plain schema (ajv's JSONSchemaType cannot type a required `string | null`).
const schema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'registry', 'registryScheme', 'registryUsername', 'registryPassword', 'dataDir', 'buildTimeoutMs',
    'engineTimeoutMs', 'registryTimeoutMs', 'buildConcurrency', 'nuclioProcessorVersion', 'buildCa',
  ],
  properties: {
    // host[:port], no scheme, no path: it becomes the first component of image references.
    registry: { type: 'string', pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' },
    registryScheme: { type: 'string', enum: ['http', 'https'] },
    registryUsername: { type: 'string', minLength: 1 },
    registryPassword: { type: ['string', 'null'], minLength: 1 },
    dataDir: { type: 'string', minLength: 1 },
    buildTimeoutMs: { type: 'integer', minimum: 1000 },
    engineTimeoutMs: { type: 'integer', minimum: 100 },
    registryTimeoutMs: { type: 'integer', minimum: 100 },
    buildConcurrency: { type: 'integer', minimum: 1, maximum: 16 },
    nuclioProcessorVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' },
    buildCa: { type: ['string', 'null'], minLength: 1 },
  },
};

const validate = new Ajv({ allErrors: true }).compile<FactoryConfig>(schema);

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number | string {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  // A non-number stays text, so that the schema names the variable instead of NaN slipping through.
  return /^[0-9]+$/.test(text) ? Number(text) : text;
}

const FIELD_TO_VARIABLE: Record<string, string> = {
  registry: 'CODERING_REGISTRY',
  registryScheme: 'CODERING_REGISTRY_SCHEME',
  registryUsername: 'CODERING_REGISTRY_USERNAME',
  registryPassword: 'CODERING_REGISTRY_PASSWORD',
  dataDir: 'CODERING_DATA_DIR',
  buildTimeoutMs: 'CODERING_BUILD_TIMEOUT_MS',
  engineTimeoutMs: 'CODERING_ENGINE_TIMEOUT_MS',
  registryTimeoutMs: 'CODERING_REGISTRY_TIMEOUT_MS',
  buildConcurrency: 'CODERING_FACTORY_BUILD_CONCURRENCY',
  nuclioProcessorVersion: 'CODERING_NUCLIO_PROCESSOR_VERSION',
  buildCa: 'CODERING_BUILD_CA',
};

/** Reads and checks the settings; throws `internal` naming the variable at fault. Pure apart from the password file. */
export function loadFactoryConfig(env: NodeJS.ProcessEnv = process.env): Readonly<FactoryConfig> {
  const dataDirText = env.CODERING_DATA_DIR || '.data';
  const dataDir = path.resolve(REPOSITORY_ROOT, dataDirText);
  const registry = env.CODERING_REGISTRY || '127.0.0.1:5000';
  const local = /^(127\.[0-9.]+|localhost)(:[0-9]+)?$/.test(registry);
  let registryPassword: string | null = env.CODERING_REGISTRY_PASSWORD || null;
  if (registryPassword === null) {
    try {
      registryPassword = fs.readFileSync(path.join(dataDir, 'registry', 'password'), 'utf8').trim() || null;
    } catch {
      registryPassword = null;
    }
  }
  const candidate = {
    registry,
    registryScheme: env.CODERING_REGISTRY_SCHEME || (local ? 'http' : 'https'),
    registryUsername: env.CODERING_REGISTRY_USERNAME || 'codering',
    registryPassword,
    dataDir,
    buildTimeoutMs: integer(env, 'CODERING_BUILD_TIMEOUT_MS', 30 * 60_000),
    engineTimeoutMs: integer(env, 'CODERING_ENGINE_TIMEOUT_MS', 30_000),
    registryTimeoutMs: integer(env, 'CODERING_REGISTRY_TIMEOUT_MS', 10_000),
    buildConcurrency: integer(env, 'CODERING_FACTORY_BUILD_CONCURRENCY', 1),
    nuclioProcessorVersion: env.CODERING_NUCLIO_PROCESSOR_VERSION || NUCLIO_PROCESSOR_VERSION,
    buildCa: buildCaPath(env.CODERING_BUILD_CA),
  };
  if (!validate(candidate)) {
    const problems = (validate.errors ?? []).map((error) => {
      const field = error.instancePath.replace(/^\//, '');
      const variable = FIELD_TO_VARIABLE[field] ?? field;
      const value = field === 'registryPassword' ? '(hidden)' : JSON.stringify((candidate as Record<string, unknown>)[field]);
      return `${variable}=${value} ${error.message ?? 'is invalid'}`;
    });
    throw new CoderingError('internal', `invalid factory configuration: ${problems.join('; ')}`, { problems });
  }
  return Object.freeze(candidate);
}

function buildCaPath(text: string | undefined): string | null {
  if (text === 'none') return null;
  if (text) return path.resolve(REPOSITORY_ROOT, text);
  return fs.existsSync(HOST_LOCAL_CA_DIRECTORY) ? HOST_LOCAL_CA_DIRECTORY : null;
}

/**
 * The certificates of `buildCa`: the file itself, or the folder's `*.crt`/`*.pem` files in name order.
 * A path that does not exist is a configuration error, not an empty list.
 */
export function readBuildCertificates(buildCa: string | null): ContextFile[] {
  if (buildCa === null) return [];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(buildCa);
  } catch {
    throw new CoderingError('internal', `CODERING_BUILD_CA=${buildCa} does not exist`, { buildCa });
  }
  const files = stat.isDirectory()
    ? fs
        .readdirSync(buildCa)
        .filter((name) => /\.(crt|pem)$/.test(name))
        .sort()
        .map((name) => path.join(buildCa, name))
    : [buildCa];
  return files.map((file) => ({ name: path.basename(file), content: fs.readFileSync(file) }));
}

let current: Readonly<FactoryConfig> | undefined;

/** The process's settings, read from the environment on first use. */
export function factoryConfig(): Readonly<FactoryConfig> {
  current ??= loadFactoryConfig();
  return current;
}
