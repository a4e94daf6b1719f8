/**
 * The Pod Security Standard `restricted`, as our own pods meet it: non-root, the runtime's default
 * seccomp profile, no API token (none of them talks to Kubernetes), and containers that drop every
 * capability, cannot escalate and cannot write their root filesystem.
 */

import type * as k8s from '@pulumi/kubernetes';

/** The uid and gid our own images run as. */
const USER = 1000;

export function restrictedPod(): Pick<k8s.types.input.core.v1.PodSpec, 'automountServiceAccountToken' | 'securityContext'> {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: USER, runAsGroup: USER, fsGroup: USER, seccompProfile: { type: 'RuntimeDefault' } },
  };
}

export function restrictedContainer(): k8s.types.input.core.v1.SecurityContext {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
}
