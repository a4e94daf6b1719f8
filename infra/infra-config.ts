/**
 * The stack's configuration (`pulumi config`, documented in infra/README.md), read and checked once.
 * Plain values are validated against a schema; credentials are read with `requireSecret` only, so they
 * stay secret outputs all the way into Kubernetes Secrets and the registry login.
 */

import * as pulumi from '@pulumi/pulumi';
import Ajv, { type JSONSchemaType } from 'ajv';
import { CoderingError } from '../errors';
import { DEFAULT_CONFIG } from '../config';

export interface RuntimeImageSource {
  /** `python@3.11.2`: a language and a full version of the catalogue. */
  id: string;
  /** The build context the factory rendered for this runtime (relative to the project root). */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
  /**
   * The image's tag; by default the version. Give the factory's content tag (`3.11.2-3f83798b1ac3`) so
   * that the function's name, derived from the tag, is the one the API derives from the image it resolves.
   */
  tag?: string;
}

export interface ImageRegistrySettings {
  /** `in-cluster`: a registry Deployment of ours; `external`: one that already exists. */
  mode: 'in-cluster' | 'external';
  /** Where `pulumi up` pushes (for in-cluster: the NodePort as this machine reaches it). */
  pushServer: string;
  /** Where the nodes' container runtime pulls from (often the same). */
  pullServer: string;
  username: string;
  /** in-cluster only */
  nodePort: number;
  storage: string;
  image: string;
}

export interface FunctionSettings {
  minReplicas: number;
  maxReplicas: number;
  cpu: string;
}

export interface LimitSettings {
  wallMs: number;
  compileWallMs: number;
  memoryBytes: number;
}

export interface NuclioSettings {
  chartVersion: string;
  containerBuilderKind: 'kaniko' | 'docker';
  projectName: string;
}

export interface ApiSettings {
  image: string;
  replicas: number;
  port: number;
}

export interface InfraSettings {
  namespace: string;
  nuclioNamespace: string;
  createNamespaces: boolean;
  skipPush: boolean;
  registry: ImageRegistrySettings;
  runtimes: RuntimeImageSource[];
  functions: FunctionSettings;
  maxLimits: LimitSettings;
  nuclio: NuclioSettings;
  api: ApiSettings;
}

export interface InfraConfig extends InfraSettings {
  registryPassword: pulumi.Output<string>;
  /** The registry's htpasswd file (bcrypt lines); only for an in-cluster registry. */
  registryHtpasswd: pulumi.Output<string> | undefined;
}

const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$' } as const;
const positiveInt = { type: 'integer', minimum: 1 } as const;

const settingsSchema: JSONSchemaType<InfraSettings> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'namespace', 'nuclioNamespace', 'createNamespaces', 'skipPush', 'registry', 'runtimes', 'functions',
    'maxLimits', 'nuclio', 'api',
  ],
  properties: {
    namespace: dnsLabel,
    nuclioNamespace: dnsLabel,
    createNamespaces: { type: 'boolean' },
    skipPush: { type: 'boolean' },
    registry: {
      type: 'object',
      additionalProperties: false,
      required: ['mode', 'pushServer', 'pullServer', 'username', 'nodePort', 'storage', 'image'],
      properties: {
        mode: { type: 'string', enum: ['in-cluster', 'external'] },
        pushServer: { type: 'string', minLength: 1 },
        pullServer: { type: 'string', minLength: 1 },
        username: { type: 'string', minLength: 1 },
        nodePort: { type: 'integer', minimum: 30000, maximum: 32767 },
        storage: quantity,
        image: { type: 'string', minLength: 1 },
      },
    },
    runtimes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'context', 'dockerfile'],
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9+#.-]*@[0-9]+\\.[0-9]+\\.[0-9]+' },
          context: { type: 'string', minLength: 1 },
          dockerfile: { type: 'string', minLength: 1 },
          tag: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' },
        },
      },
    },
    functions: {
      type: 'object',
      additionalProperties: false,
      required: ['minReplicas', 'maxReplicas', 'cpu'],
      properties: { minReplicas: positiveInt, maxReplicas: positiveInt, cpu: quantity },
    },
    maxLimits: {
      type: 'object',
      additionalProperties: false,
      required: ['wallMs', 'compileWallMs', 'memoryBytes'],
      properties: { wallMs: positiveInt, compileWallMs: positiveInt, memoryBytes: positiveInt },
    },
    nuclio: {
      type: 'object',
      additionalProperties: false,
      required: ['chartVersion', 'containerBuilderKind', 'projectName'],
      properties: {
        chartVersion: { type: 'string', minLength: 1 },
        containerBuilderKind: { type: 'string', enum: ['kaniko', 'docker'] },
        projectName: dnsLabel,
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      required: ['image', 'replicas', 'port'],
      properties: { image: { type: 'string', minLength: 1 }, replicas: positiveInt, port: positiveInt },
    },
  },
};

const validateSettings = new Ajv({ allErrors: true }).compile(settingsSchema);

/**
 * Defaults: one small cluster, the Nuclio chart of v1.14.1; whatever the API and the factory also
 * know (limits, user, namespace, project, port) comes from the one configuration (config/), so the
 * stack and a local API never disagree. Cluster-only values stay here.
 */
export const DEFAULT_SETTINGS: InfraSettings = {
  namespace: 'codering',
  nuclioNamespace: DEFAULT_CONFIG.nuclio.namespace,
  createNamespaces: true,
  skipPush: false,
  registry: {
    mode: 'in-cluster',
    pushServer: '127.0.0.1:30500',
    pullServer: '127.0.0.1:30500',
    username: DEFAULT_CONFIG.factory.registryUsername,
    nodePort: 30500,
    storage: '20Gi',
    image: 'registry:2.8.3',
  },
  runtimes: [],
  functions: { minReplicas: 2, maxReplicas: 4, cpu: '1' },
  maxLimits: {
    wallMs: DEFAULT_CONFIG.maxLimits.wallMs,
    compileWallMs: DEFAULT_CONFIG.maxLimits.compileWallMs,
    memoryBytes: DEFAULT_CONFIG.maxLimits.memoryBytes,
  },
  nuclio: { chartVersion: '0.20.1', containerBuilderKind: 'kaniko', projectName: DEFAULT_CONFIG.nuclio.project },
  api: { image: 'codering/registry-api:latest', replicas: 2, port: DEFAULT_CONFIG.port },
};

type Plain = Record<string, unknown>;

/** Defaults overlaid by the stack's values, one level deep for objects (what `pulumi config set --path` writes). */
function overlay(config: pulumi.Config): unknown {
  const merged: Plain = {};
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS) as [string, unknown][]) {
    const value = config.getObject<unknown>(key);
    const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
    merged[key] = value === undefined ? fallback : isObject(fallback) && isObject(value) ? { ...fallback, ...value } : value;
  }
  return merged;
}

export function readInfraConfig(config: pulumi.Config = new pulumi.Config()): InfraConfig {
  const settings = overlay(config);
  if (!validateSettings(settings)) {
    const problems = (validateSettings.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    throw new CoderingError('invalid_request', `invalid stack configuration: ${problems.join('; ')}`, { problems });
  }
  if (settings.functions.minReplicas > settings.functions.maxReplicas) {
    throw new CoderingError('invalid_request', 'functions.minReplicas is above functions.maxReplicas', {
      functions: settings.functions,
    });
  }
  return {
    ...settings,
    registryPassword: config.requireSecret('registryPassword'),
    registryHtpasswd: settings.registry.mode === 'in-cluster' ? config.requireSecret('registryHtpasswd') : undefined,
  };
}
