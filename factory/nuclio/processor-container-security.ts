/**
 * The container-level hardening of a function's pod. Nuclio (v1.14) copies `spec.securityContext` to
 * the *pod* only, and builds the container itself (`functionres/lazy.go`): capabilities,
 * `allowPrivilegeEscalation` and `readOnlyRootFilesystem` cannot be asked for in a NuclioFunction, nor
 * can the pod's `automountServiceAccountToken`. So the Pulumi program applies them to the Deployment
 * the controller creates (`nuclio-<name>`, container `nuclio`) with a server-side-apply patch, once the
 * function is ready. The controller's later updates modify that Deployment in place and keep these
 * fields; a Deployment it re-creates from scratch lacks them until the next `pulumi up`, which is why
 * what matters most is also set where Nuclio keeps it: the pod runs non-root (the function's pod
 * security context) under a service account that mounts no token, and the proxy sets
 * no-new-privileges on the program itself. Without the patch (a Deployment re-created, a function
 * the API deploys) the container runtime's default capabilities are the bounding set; they include
 * SETUID, SETGID and KILL, so the proxy still runs programs under a uid that is not the processor's.
 */

import { NUCLIO_RESOURCE_PREFIX } from './function-name';
import { FUNCTION_POD_USER } from './nuclio-function-spec';

/** Nuclio's name for the function's container (`client.FunctionContainerName`). */
export const NUCLIO_CONTAINER_NAME = 'nuclio';

/** Every function's service account: it mounts no API token, and no role is bound to it. */
export const FUNCTION_SERVICE_ACCOUNT = 'codering-function';

export interface ContainerSecurityContext {
  runAsUser: number;
  runAsGroup: number;
  runAsNonRoot: true;
  /**
   * `true`, or the kernel ignores the proxy binary's file capabilities (no_new_privs) and the
   * program would run as uid 1000, the processor's: it could signal, trace or read the processor that
   * serves the next tenant. The program itself gets no_new_privs from the proxy before it starts.
   */
  allowPrivilegeEscalation: true;
  /**
   * The processor writes no file (its config is a read-only ConfigMap mount, its logs go to stdout) and
   * the proxy writes only under /box and /tmp, which are memory-backed emptyDirs.
   */
  readOnlyRootFilesystem: true;
  /**
   * Only what the proxy's file capabilities need to run the program as another user and end its
   * processes: a capability outside the bounding set is not granted by a file either. Nothing else of
   * the pod gets them (uid 1000 without file capabilities has none).
   */
  capabilities: { drop: ['ALL']; add: ['SETUID', 'SETGID', 'KILL'] };
  seccompProfile: { type: 'RuntimeDefault' };
}

export function processorContainerSecurityContext(): ContainerSecurityContext {
  return {
    runAsUser: FUNCTION_POD_USER,
    runAsGroup: FUNCTION_POD_USER,
    runAsNonRoot: true,
    allowPrivilegeEscalation: true,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID', 'KILL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ProcessorPodSpecPatch {
  /** Belt and braces: the service account already mounts none. */
  automountServiceAccountToken: false;
  /**
   * `false`: the pod gets a user namespace of its own (Kubernetes ≥ 1.30 with the feature on), so its
   * uid 1000 is a host uid no other pod has, and RLIMIT_NPROC counts this pod's processes only.
   */
  hostUsers?: false;
  containers: { name: string; securityContext: ContainerSecurityContext }[];
}

export interface ProcessorDeploymentPatch {
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: { template: { spec: ProcessorPodSpecPatch } };
}

export interface ProcessorDeploymentPatchOptions {
  /** Give each pod its own user namespace (`hostUsers: false`). */
  userNamespaces?: boolean;
}

/** The server-side-apply body for the function's Deployment (containers merge by name). */
export function processorDeploymentPatch(
  functionName: string,
  namespace: string,
  options: ProcessorDeploymentPatchOptions = {},
): ProcessorDeploymentPatch {
  return {
    metadata: {
      name: `${NUCLIO_RESOURCE_PREFIX}${functionName}`,
      namespace,
      // The controller owns the Deployment; we take over only the fields we set.
      annotations: { 'pulumi.com/patchForce': 'true' },
    },
    spec: {
      template: {
        spec: {
          automountServiceAccountToken: false,
          ...(options.userNamespaces === true ? { hostUsers: false as const } : {}),
          containers: [{ name: NUCLIO_CONTAINER_NAME, securityContext: processorContainerSecurityContext() }],
        },
      },
    },
  };
}
