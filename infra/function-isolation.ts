/**
 * What keeps students' code in its pod: the functions' service account (no API token mounted, no role
 * bound) and the NetworkPolicies of the functions' namespace.
 * - Function pods (every Nuclio function of the namespace, ours or deployed later by the API): no
 *   egress at all — the proxy needs none, the processor needs none, not even DNS; ingress only to the
 *   HTTP trigger's port, from the API's pods and from the Nuclio dashboard's (the API may invoke through
 *   the dashboard's `/api/function_invocations`, which proxies to the function). Kubelet probes are not
 *   subject to NetworkPolicy. The controller never calls a function (it watches Deployments).
 * - The dashboard: ingress only from the API's pods (it deploys and invokes functions; its own
 *   authentication is on too, see dashboard-auth.ts).
 * A NetworkPolicy is only as good as the CNI that enforces it: a prerequisite (infra/README.md).
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { FUNCTION_SERVICE_ACCOUNT } from '../factory/nuclio';
import { coderingLabels } from './labels';
import { NUCLIO_DASHBOARD_POD_LABELS, NUCLIO_DASHBOARD_PORT, NUCLIO_FUNCTION_POD_LABELS, NUCLIO_FUNCTION_PORT } from './nuclio';

export interface FunctionIsolationArgs {
  /** The functions' namespace (Nuclio's). */
  namespace: string;
  /** Where the API's pods run, and their labels. */
  api: { namespace: string; podLabels: Record<string, string> };
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const COMPONENT = 'function-isolation';

/** A `from` entry for the pods with `labels` in `namespace` (both must hold). */
export function podsIn(namespace: string, labels: Record<string, string>): k8s.types.input.networking.v1.NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector: { matchLabels: labels } };
}

export class FunctionIsolation extends pulumi.ComponentResource {
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly functionPolicy: k8s.networking.v1.NetworkPolicy;
  readonly dashboardPolicy: k8s.networking.v1.NetworkPolicy;

  constructor(name: string, args: FunctionIsolationArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:FunctionIsolation', name, {}, opts);
    const labels = coderingLabels(COMPONENT);
    const { namespace } = args;
    const fromApi = podsIn(args.api.namespace, args.api.podLabels);
    const options = { parent: this, dependsOn: args.dependsOn };

    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      { metadata: { name: FUNCTION_SERVICE_ACCOUNT, namespace, labels }, automountServiceAccountToken: false },
      options,
    );

    this.functionPolicy = new k8s.networking.v1.NetworkPolicy(
      `${name}-functions`,
      {
        metadata: { name: 'codering-functions', namespace, labels },
        spec: {
          podSelector: { matchLabels: NUCLIO_FUNCTION_POD_LABELS },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [fromApi, podsIn(namespace, NUCLIO_DASHBOARD_POD_LABELS)],
              ports: [{ protocol: 'TCP', port: NUCLIO_FUNCTION_PORT }],
            },
          ],
          egress: [],
        },
      },
      options,
    );

    this.dashboardPolicy = new k8s.networking.v1.NetworkPolicy(
      `${name}-dashboard`,
      {
        metadata: { name: 'codering-nuclio-dashboard', namespace, labels },
        spec: {
          podSelector: { matchLabels: NUCLIO_DASHBOARD_POD_LABELS },
          policyTypes: ['Ingress'],
          ingress: [{ from: [fromApi], ports: [{ protocol: 'TCP', port: NUCLIO_DASHBOARD_PORT }] }],
        },
      },
      options,
    );

    this.registerOutputs({});
  }
}
