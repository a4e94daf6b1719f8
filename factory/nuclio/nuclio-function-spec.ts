/**
 * The NuclioFunction for one image: Nuclio's shell runtime calls `/opt/nuclio/handler.sh` per event,
 * which execs the proxy in `--once` mode (proxy/README.md), so the image is deployed as is, with
 * no Nuclio build. Every body is checked against our closed schema before it leaves this module.
 */

import { CoderingError } from '../../errors';
import type { RunLimits } from '../../proxy';
import { imageKeyMetadata } from './function-identity';
import { DEFAULT_FUNCTION_PREFIX, functionNameForImage, imageNameOf } from './function-name';
import { validateNuclioFunction, validateNuclioProject } from './nuclio-function-schema';
import type { NuclioFunctionResource, NuclioProjectResource } from './nuclio-function-types';
import { bytesToQuantity, msToDuration, quantityToBytes } from './quantity';

const MiB = 1024 * 1024;

export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF = 'codering-x';
export const PROJECT_LABEL = 'nuclio.io/project-name';
export const RUNTIME_ID_ANNOTATION = 'codering.org/runtime-id';
/**
 * The content-tagged image the API runs that a function serves, without the registry host
 * (`codering/python:3.11.2-3f83798b1ac3`): the function's name is `functionNameForImage` of it, so
 * whoever reads a function (the API, through the dashboard) knows which image it serves.
 */
export const SERVED_IMAGE_ANNOTATION = 'codering.org/image';
/** The served image's tag (`3.11.2-3f83798b1ac3`): a label, so functions can be selected by content. */
export const CONTENT_TAG_LABEL = 'codering.org/content-tag';
/**
 * Nuclio's own annotation (`functionconfig.FunctionAnnotationSkipBuild`): a create or redeploy through
 * the dashboard builds whenever `spec.build.image` is set (`abstract.Platform.functionBuildRequired`,
 * v1.14), i.e. always for our spec, unless this says `true`. The controller never builds a raw CR.
 */
export const SKIP_BUILD_ANNOTATION = 'skip-build';
/** The served image's repository's last segment (`python`, `python-exercise`). */
export const IMAGE_LABEL = 'codering.org/image-name';

/**
 * The user the pod runs as, the processor and the proxy: the images' `sandbox` user (uid and gid 1000).
 * Never the program's: the proxy runs it as one of the images' `sandbox0`…`sandbox63` (nuclio-handler.sh).
 */
export const FUNCTION_POD_USER = 1000;
/**
 * Nuclio gives up on a deployment whose replicas are not ready by then, and never retries it: long
 * enough for a node's first pull of a large image (a JDK or a Rust toolchain is over 1 GB).
 */
export const DEFAULT_READINESS_TIMEOUT_SECONDS = 600;

/** `handler.sh` in `/opt/nuclio/` (the shell runtime's handler directory); the entry point is unused. */
export const SHELL_HANDLER = 'handler.sh:main';

/** Room for the processor itself (a Go binary, ~30 MiB resident) next to the user's program. */
export const PROCESSOR_OVERHEAD_BYTES = 64 * MiB;

export interface NuclioFunctionOptions {
  /**
   * The content-tagged image the API runs (`<registry>/codering/python:3.11.2-3f83798b1ac3`): the
   * function's name is `functionNameForImage` of it, the only way a name is made, here and in the API.
   */
  servedImage: string;
  /** CODERING_NUCLIO_FUNCTION_PREFIX of the API that will call the function. */
  functionPrefix?: string;
  namespace: string;
  /** An existing NuclioProject in `namespace`. */
  projectName: string;
  /** The image the pods run (the served image with Nuclio's processor), best pinned by digest. */
  image: string;
  /** `python@3.11.2`, kept as an annotation. */
  runtimeId: string;
  /** An exercise's canonical libraries, kept as an annotation; none for a runtime's own function. */
  libraries?: readonly string[];
  /** The operator's maxima for one run: the event timeout and the memory limit are derived from them. */
  limits: Pick<RunLimits, 'wallMs' | 'compileWallMs' | 'memoryBytes'>;
  replicas: { min: number; max: number };
  /** CPU of one replica (requests = limits: steady timings, and no eviction before best-effort pods). */
  cpu?: string;
  /** Memory of one replica; computed when absent, rejected when below what a run can use. */
  memory?: string;
  /** Size of the `/box` tmpfs (the user's files and whatever the program writes). */
  boxBytes?: number;
  tmpBytes?: number;
  /** What the HTTP trigger accepts; the API's own body limit is lower. */
  maxRequestBodyBytes?: number;
  /** Time over `compileWallMs + wallMs` before Nuclio gives up on the proxy and restarts the worker. */
  eventTimeoutMarginMs?: number;
  imagePullSecret?: string;
  imagePullPolicy?: 'IfNotPresent' | 'Always';
  /** How long Nuclio waits for the replicas to be ready, first image pull included. */
  readinessTimeoutSeconds?: number;
  /** The pods' service account; one that mounts no API token (infra creates `FUNCTION_SERVICE_ACCOUNT`). */
  serviceAccount?: string;
  /** Extra labels (merged under ours). */
  labels?: Record<string, string>;
}

/** The memory a replica needs: the processor, one run at its maximum, and both tmpfs filled up. */
export function requiredFunctionMemoryBytes(memoryBytes: number, boxBytes: number, tmpBytes: number): number {
  // A memory-backed emptyDir is charged to the pod's memory cgroup, so the tmpfs sizes count too.
  return PROCESSOR_OVERHEAD_BYTES + memoryBytes + boxBytes + tmpBytes;
}

/**
 * The event timeout: long enough that the proxy's own limits always fire first. A judged run (`tests`)
 * fits too: it compiles once, and the API refuses one whose cases' wall limits add up to more than
 * the maximum wall time of a run (registry-api/executor/test-cases.ts); the proxy's work between
 * cases (a few ms each) comes out of the margin.
 */
export function eventTimeoutMs(limits: Pick<RunLimits, 'wallMs' | 'compileWallMs'>, marginMs: number): number {
  return limits.compileWallMs + limits.wallMs + marginMs;
}

export function nuclioFunctionSpec(options: NuclioFunctionOptions): NuclioFunctionResource {
  const name = functionNameForImage(options.servedImage, options.functionPrefix ?? DEFAULT_FUNCTION_PREFIX);
  const served = imageNameOf(options.servedImage);
  // What the API finds the function by: the runtime id and the libraries (function-identity.ts).
  const key = imageKeyMetadata(options.runtimeId, options.libraries ?? []);
  const boxBytes = options.boxBytes ?? 64 * MiB;
  const tmpBytes = options.tmpBytes ?? 16 * MiB;
  const required = requiredFunctionMemoryBytes(options.limits.memoryBytes, boxBytes, tmpBytes);
  const memory = options.memory ?? bytesToQuantity(required);
  if (!(quantityToBytes(memory) >= required)) {
    throw new CoderingError(
      'internal',
      `function ${name}: memory ${memory} is below the ${bytesToQuantity(required)} one run can use`,
      { name, memory, requiredBytes: required },
    );
  }
  if (options.replicas.min > options.replicas.max) {
    throw new CoderingError('internal', `function ${name}: minReplicas is above maxReplicas`, {
      replicas: options.replicas,
    });
  }
  const cpu = options.cpu ?? '1';

  const body: NuclioFunctionResource = {
    apiVersion: 'nuclio.io/v1beta1',
    kind: 'NuclioFunction',
    metadata: {
      name,
      namespace: options.namespace,
      labels: {
        ...options.labels,
        ...key.labels,
        [PART_OF_LABEL]: PART_OF,
        'app.kubernetes.io/component': 'runtime-function',
        [PROJECT_LABEL]: options.projectName,
        [CONTENT_TAG_LABEL]: served.tag,
        [IMAGE_LABEL]: served.repository.slice(served.repository.lastIndexOf('/') + 1),
      },
      annotations: {
        ...key.annotations,
        [SKIP_BUILD_ANNOTATION]: 'true',
        [RUNTIME_ID_ANNOTATION]: options.runtimeId,
        [SERVED_IMAGE_ANNOTATION]: `${served.repository}:${served.tag}`,
      },
    },
    spec: {
      description: `codering-x runtime ${options.runtimeId}`,
      runtime: 'shell',
      handler: SHELL_HANDLER,
      image: options.image,
      imagePullPolicy: options.imagePullPolicy ?? 'IfNotPresent',
      ...(options.imagePullSecret === undefined ? {} : { imagePullSecrets: options.imagePullSecret }),
      // A pre-built image; that the dashboard does not build it is SKIP_BUILD_ANNOTATION's doing.
      build: { codeEntryType: 'image', image: options.image, noBaseImagesPull: true },
      // The handler ignores its arguments, so an `X-Nuclio-Arguments` header sent by anyone changes nothing.
      runtimeAttributes: { arguments: '', responseHeaders: { 'Content-Type': 'application/json' } },
      // The shell runtime gives the handler only these variables, not the image's ENV.
      env: [
        { name: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
        { name: 'LANG', value: 'C.UTF-8' },
      ],
      resources: { requests: { cpu, memory }, limits: { cpu, memory } },
      minReplicas: options.replicas.min,
      maxReplicas: options.replicas.max,
      triggers: {
        http: {
          kind: 'http',
          name: 'http',
          // One event per replica: every proxy of a pod would share the one /box.
          numWorkers: 1,
          workerAvailabilityTimeoutMilliseconds: 0,
          attributes: { maxRequestBodySize: options.maxRequestBodyBytes ?? 4 * MiB, serviceType: 'ClusterIP' },
        },
      },
      eventTimeout: msToDuration(eventTimeoutMs(options.limits, options.eventTimeoutMarginMs ?? 5000)),
      readinessTimeoutSeconds: options.readinessTimeoutSeconds ?? DEFAULT_READINESS_TIMEOUT_SECONDS,
      serviceType: 'ClusterIP',
      // Non-root (processor-container-security.ts): the processor and the proxy run as uid 1000; the
      // proxy runs each program as one of the image's sandbox users through its file capabilities.
      securityContext: {
        runAsUser: FUNCTION_POD_USER,
        runAsGroup: FUNCTION_POD_USER,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(options.serviceAccount === undefined ? {} : { serviceAccount: options.serviceAccount }),
      volumes: [
        tmpfsVolume('box', '/box', boxBytes),
        tmpfsVolume('tmp', '/tmp', tmpBytes),
      ],
    },
    status: { state: 'waitingForResourceConfiguration' },
  };
  return validateNuclioFunction(body);
}

function tmpfsVolume(name: string, mountPath: string, bytes: number): NuclioFunctionResource['spec']['volumes'][number] {
  return {
    volume: { name, emptyDir: { medium: 'Memory', sizeLimit: bytesToQuantity(bytes) } },
    volumeMount: { name, mountPath },
  };
}

export interface NuclioProjectOptions {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
}

/** The project every function's `nuclio.io/project-name` label points at. */
export function nuclioProjectSpec(options: NuclioProjectOptions): NuclioProjectResource {
  return validateNuclioProject({
    apiVersion: 'nuclio.io/v1beta1',
    kind: 'NuclioProject',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { ...options.labels, [PART_OF_LABEL]: PART_OF },
    },
    spec: { description: 'codering-x runtimes' },
  });
}
