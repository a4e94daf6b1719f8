/**
 * The stack's configuration (`pulumi config`, documented in infra/README.md), read and checked once.
 * Plain values are validated against a schema; credentials are read with `requireSecret` only, so they
 * stay secret outputs all the way into Kubernetes Secrets and the registry login.
 */

import * as pulumi from '@pulumi/pulumi';
import Ajv, { type JSONSchemaType } from 'ajv';
import { CoderingError } from '../errors';
import { DEFAULT_CONFIG } from '../config';
import { DEFAULT_READINESS_TIMEOUT_SECONDS, imageNameOf } from '../factory/nuclio';
import { CONTENT_HASH_LENGTH, runtimeRepository } from '../factory/tags';

export interface RuntimeImageSource {
  /** `python@3.11.2`: a language and a full version of the catalogue. */
  id: string;
  /**
   * The runtime image the API runs, as the factory named it, content tag included
   * (`codering/python:3.11.2-3f83798b1ac3`; a registry host is allowed and ignored). The function's
   * name is derived from it, exactly as the API derives it from the image it resolves.
   */
  image: string;
  /**
   * The build context of its Nuclio target, relative to the project root (`codering render <id>
   * --target nuclio --out <context>`): that image plus Nuclio's processor, pushed as
   * `codering/<language>-nuclio:<the runtime image's tag>`.
   */
  context: string;
  /** The Dockerfile, relative to the context. */
  dockerfile: string;
}

/** An image infra builds from a context the factory rendered and pushes to the registry. */
export interface ImageBuildSource {
  context: string;
  dockerfile: string;
  /** The factory's content tag of the image. */
  tag: string;
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
  /** At least 2: a run races two replicas. */
  minReplicas: number;
  /** Above minReplicas only with `metricsServer` (Nuclio then makes an HPA); null: minReplicas. */
  maxReplicas: number | null;
  cpu: string;
  /** How long Nuclio waits for a function's replicas, first image pull included, before giving up on it. */
  readinessTimeoutSeconds: number;
  /**
   * Any new value redeploys every function (its status is set back to `waitingForResourceConfiguration`):
   * the way to retry a function Nuclio left in `error`, which it never retries by itself.
   */
  redeploy: string | null;
  /** `hostUsers: false` on the function pods: a user namespace per pod (Kubernetes ≥ 1.30, feature on). */
  userNamespaces: boolean;
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
  /**
   * The dashboard's authentication verifier (the chart's `iguazio` auth kind: every dashboard request's
   * `Authorization` and `Cookie` headers are POSTed there, 2xx lets it through). null: ours, which
   * accepts `Bearer <dashboardToken>` only.
   */
  authVerificationUrl: string | null;
}

export interface ApiSettings {
  /** The API's image as built and pushed by the factory (`<registry>/codering/api:<content tag>`), or null with `build`. */
  image: string | null;
  /** Or: its context, built and pushed here as `codering/api:<tag>`. */
  build: ImageBuildSource | null;
  replicas: number;
  port: number;
}

export interface InfraSettings {
  namespace: string;
  nuclioNamespace: string;
  createNamespaces: boolean;
  skipPush: boolean;
  /**
   * The cluster runs the metrics server (`kubectl top` answers): only then may functions autoscale
   * (`maxReplicas` > `minReplicas` makes Nuclio create an HPA, which needs it).
   */
  metricsServer: boolean;
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
  /** What the API sends the Nuclio dashboard as `Authorization: Bearer <token>`. */
  dashboardToken: pulumi.Output<string>;
}

const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$' } as const;
const positiveInt = { type: 'integer', minimum: 1 } as const;
const path = { type: 'string', minLength: 1 } as const;
const imageTag = { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' } as const;
const imageReference = { type: 'string', pattern: '^[a-z0-9.:/_-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$' } as const;

// ajv's JSONSchemaType cannot express nullable values of required keys: the shape is checked by the tests.
const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'namespace', 'nuclioNamespace', 'createNamespaces', 'skipPush', 'metricsServer', 'registry', 'runtimes',
    'functions', 'maxLimits', 'nuclio', 'api',
  ],
  properties: {
    namespace: dnsLabel,
    nuclioNamespace: dnsLabel,
    createNamespaces: { type: 'boolean' },
    skipPush: { type: 'boolean' },
    metricsServer: { type: 'boolean' },
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
        required: ['id', 'image', 'context', 'dockerfile'],
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9+#.-]*@[0-9]+\\.[0-9]+\\.[0-9]+' },
          image: imageReference,
          context: path,
          dockerfile: path,
        },
      },
    },
    functions: {
      type: 'object',
      additionalProperties: false,
      required: ['minReplicas', 'maxReplicas', 'cpu', 'readinessTimeoutSeconds', 'redeploy', 'userNamespaces'],
      properties: {
        minReplicas: { type: 'integer', minimum: 2 },
        maxReplicas: { ...positiveInt, nullable: true },
        cpu: quantity,
        readinessTimeoutSeconds: { type: 'integer', minimum: 60 },
        redeploy: { type: 'string', nullable: true, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', maxLength: 63 },
        userNamespaces: { type: 'boolean' },
      },
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
      required: ['chartVersion', 'containerBuilderKind', 'projectName', 'authVerificationUrl'],
      properties: {
        chartVersion: { type: 'string', minLength: 1 },
        containerBuilderKind: { type: 'string', enum: ['kaniko', 'docker'] },
        projectName: dnsLabel,
        authVerificationUrl: { type: 'string', nullable: true, pattern: '^https?://' },
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      required: ['image', 'build', 'replicas', 'port'],
      properties: {
        image: { ...imageReference, nullable: true },
        build: {
          type: 'object',
          nullable: true,
          additionalProperties: false,
          required: ['context', 'dockerfile', 'tag'],
          properties: { context: path, dockerfile: path, tag: imageTag },
        },
        replicas: positiveInt,
        port: positiveInt,
      },
    },
  },
} as unknown as JSONSchemaType<InfraSettings>;

/** The repository of the API's own image, as the factory names it. */
export const API_REPOSITORY = 'codering/api';

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
  metricsServer: false,
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
  functions: {
    minReplicas: 2,
    maxReplicas: null,
    cpu: '1',
    readinessTimeoutSeconds: DEFAULT_READINESS_TIMEOUT_SECONDS,
    redeploy: null,
    userNamespaces: false,
  },
  maxLimits: {
    wallMs: DEFAULT_CONFIG.maxLimits.wallMs,
    compileWallMs: DEFAULT_CONFIG.maxLimits.compileWallMs,
    memoryBytes: DEFAULT_CONFIG.maxLimits.memoryBytes,
  },
  nuclio: {
    chartVersion: '0.20.1',
    containerBuilderKind: 'kaniko',
    projectName: DEFAULT_CONFIG.nuclio.project,
    authVerificationUrl: null,
  },
  api: { image: null, build: null, replicas: 2, port: DEFAULT_CONFIG.port },
};

type Plain = Record<string, unknown>;

/** Defaults overlaid by the stack's values, one level deep for objects (what `pulumi config set --path` writes). */
function overlay(config: pulumi.Config): unknown {
  const merged: Plain = {};
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS) as [string, unknown][]) {
    // A plain string is stored as is (`namespace: codering`), not as JSON: getObject would refuse it.
    const value =
      typeof fallback === 'string' ? config.get(key) : typeof fallback === 'boolean' ? config.getBoolean(key) : config.getObject<unknown>(key);
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
  checkReplicas(settings);
  for (const runtime of settings.runtimes) checkServedImage(runtime);
  if ((settings.api.image === null) === (settings.api.build === null)) {
    invalid('give api.image (the factory pushed it) or api.build (built here), one of them', { api: settings.api });
  }
  if (settings.api.image !== null) checkApiImage(settings.api.image);
  return {
    ...settings,
    registryPassword: config.requireSecret('registryPassword'),
    registryHtpasswd: settings.registry.mode === 'in-cluster' ? config.requireSecret('registryHtpasswd') : undefined,
    dashboardToken: config.requireSecret('dashboardToken'),
  };
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new CoderingError('invalid_request', `invalid stack configuration: ${message}`, details);
}

/** The replicas of every function: `maxReplicas` when set, else `minReplicas`. */
export function maxReplicasOf(functions: FunctionSettings): number {
  return functions.maxReplicas ?? functions.minReplicas;
}

function checkReplicas(settings: InfraSettings): void {
  const { functions } = settings;
  const max = maxReplicasOf(functions);
  if (functions.minReplicas > max) invalid('functions.minReplicas is above functions.maxReplicas', { functions });
  // Nuclio makes an HPA of any function with max > min, and an HPA without the metrics server never scales.
  if (max > functions.minReplicas && !settings.metricsServer) {
    invalid('functions.maxReplicas above minReplicas needs metricsServer: true (an HPA scales on the metrics server)', {
      functions,
    });
  }
}

/** The content tag the factory gives a runtime image: `<version>-<12 hex digits>`. */
function checkServedImage(runtime: RuntimeImageSource): void {
  const at = runtime.id.lastIndexOf('@');
  const language = runtime.id.slice(0, at);
  const version = runtime.id.slice(at + 1);
  const { repository, tag } = imageNameOf(runtime.image);
  const contentTag = new RegExp(`^${version.replace(/\./g, '\\.')}-[0-9a-f]{${CONTENT_HASH_LENGTH}}$`);
  if (repository !== runtimeRepository(language) || !contentTag.test(tag)) {
    invalid(
      `runtime ${runtime.id}: image ${runtime.image} is not its content-tagged runtime image ` +
        `(${runtimeRepository(language)}:${version}-<${CONTENT_HASH_LENGTH} hex digits>, as the factory names it)`,
      { runtime },
    );
  }
}

/** `codering/api:<tag>` (the factory's name), pinned: not `latest`. */
function checkApiImage(image: string): void {
  const { repository, tag } = imageNameOf(image);
  if (repository !== API_REPOSITORY || (tag === 'latest' && !image.includes('@sha256:'))) {
    invalid(`api.image ${image} is not ${API_REPOSITORY}:<content tag>`, { image });
  }
}
