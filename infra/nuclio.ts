/**
 * Nuclio itself, from its Helm chart, and the project every codering function belongs to. Nuclio is
 * only asked to run pre-built images: its builder is configured (the chart requires one) but unused.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { nuclioProjectSpec } from '../factory/nuclio';
import type { NuclioSettings } from './infra-config';
import { coderingLabels } from './labels';

export const NUCLIO_CHART = 'nuclio';
export const NUCLIO_CHART_REPO = 'https://nuclio.github.io/nuclio/charts';
/** `fullnameOverride`: fixes the dashboard's Service name, `nuclio-dashboard`. */
const FULL_NAME = 'nuclio';
/** The chart's labels of the dashboard's pods. */
export const NUCLIO_DASHBOARD_POD_LABELS = { 'nuclio.io/app': 'dashboard' };
export const NUCLIO_DASHBOARD_PORT = 8070;
/** The labels the controller gives every function's pods (`functionres/lazy.go`, class labels). */
export const NUCLIO_FUNCTION_POD_LABELS = { 'nuclio.io/class': 'function' };
/** The function container's HTTP trigger port (probes use it too, and 8082). */
export const NUCLIO_FUNCTION_PORT = 8080;

export interface NuclioArgs {
  settings: NuclioSettings;
  namespace: string;
  /** Registry as the nodes pull from it, and the pull Secret in `namespace`. */
  pullServer: pulumi.Input<string>;
  pullSecretName: string;
  /** The chart's `dashboard.authConfig` (dashboard-auth.ts). */
  dashboardAuthConfig: Record<string, unknown>;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class Nuclio extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;
  readonly project: k8s.apiextensions.CustomResource;
  readonly namespace: string;
  readonly projectName: string;
  readonly dashboardUrl: string;

  constructor(name: string, args: NuclioArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:Nuclio', name, {}, opts);
    this.namespace = args.namespace;
    this.projectName = args.settings.projectName;
    this.dashboardUrl = `http://${FULL_NAME}-dashboard.${args.namespace}.svc.cluster.local:${NUCLIO_DASHBOARD_PORT}`;

    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: FULL_NAME,
        chart: NUCLIO_CHART,
        version: args.settings.chartVersion,
        repositoryOpts: { repo: NUCLIO_CHART_REPO },
        namespace: args.namespace,
        values: {
          fullnameOverride: FULL_NAME,
          registry: { pushPullUrl: args.pullServer, secretName: args.pullSecretName },
          dashboard: { containerBuilderKind: args.settings.containerBuilderKind, authConfig: args.dashboardAuthConfig },
          // The controller acts on its own namespace only: the functions live there.
          rbac: { crdAccessMode: 'namespaced' },
        },
        // Functions are applied right after: wait until the CRDs and the controller are up.
        atomic: true,
        timeout: 600,
      },
      { parent: this, dependsOn: args.dependsOn },
    );

    const project = nuclioProjectSpec({ name: args.settings.projectName, namespace: args.namespace, labels: coderingLabels('nuclio') });
    this.project = new k8s.apiextensions.CustomResource(`${name}-project`, project, { parent: this, dependsOn: [this.release] });

    this.registerOutputs({ dashboardUrl: this.dashboardUrl, status: this.release.status });
  }
}
