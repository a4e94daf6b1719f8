/**
 * The container-level hardening of a function's pod. Nuclio (v1.14) copies `spec.securityContext` to
 * the *pod* only, and builds the container itself (`functionres/lazy.go`): capabilities,
 * `allowPrivilegeEscalation` and `readOnlyRootFilesystem` cannot be asked for in a NuclioFunction. So
 * the Pulumi program applies them to the Deployment the controller creates (`nuclio-<name>`, container
 * `nuclio`) with a server-side-apply patch, once the function is ready. The controller's later updates
 * modify the container in place and keep these fields; a Deployment it re-creates from scratch lacks
 * them until the next `pulumi up`, which is why the proxy must also drop privileges itself.
 */

import { NUCLIO_RESOURCE_PREFIX } from './function-name';

/** Nuclio's name for the function's container (`client.FunctionContainerName`). */
export const NUCLIO_CONTAINER_NAME = 'nuclio';

/** Capabilities the proxy keeps: switch to the sandbox user (SETUID, SETGID) and kill its processes. */
export const PROXY_CAPABILITIES = ['SETUID', 'SETGID', 'KILL'] as const;

export interface ContainerSecurityContext {
  runAsUser: number;
  allowPrivilegeEscalation: false;
  /**
   * The processor writes no file (its config is a read-only ConfigMap mount, its logs go to stdout) and
   * the proxy writes only under /box and /tmp, which are memory-backed emptyDirs.
   */
  readOnlyRootFilesystem: true;
  capabilities: { drop: ['ALL']; add: string[] };
  seccompProfile: { type: 'RuntimeDefault' };
}

export function processorContainerSecurityContext(): ContainerSecurityContext {
  return {
    // The proxy must start as root to switch to the sandbox user; the user's program runs as uid 1000.
    runAsUser: 0,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: [...PROXY_CAPABILITIES] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ProcessorDeploymentPatch {
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: { template: { spec: { containers: { name: string; securityContext: ContainerSecurityContext }[] } } };
}

/** The server-side-apply body for the function's Deployment (containers merge by name). */
export function processorDeploymentPatch(functionName: string, namespace: string): ProcessorDeploymentPatch {
  return {
    metadata: {
      name: `${NUCLIO_RESOURCE_PREFIX}${functionName}`,
      namespace,
      // The controller owns the Deployment; we take over only the fields we set.
      annotations: { 'pulumi.com/patchForce': 'true' },
    },
    spec: {
      template: {
        spec: { containers: [{ name: NUCLIO_CONTAINER_NAME, securityContext: processorContainerSecurityContext() }] },
      },
    },
  };
}
