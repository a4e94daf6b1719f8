/**
 * The registry API in the cluster, on the `nuclio` platform, from its own image (`codering/api:<content
 * tag>`, which the factory builds): it finds and invokes the functions through the Nuclio dashboard,
 * with no Docker engine. Non-root, read-only root, no capabilities, no API token (it never talks to
 * Kubernetes); credentials only from a Secret; `/healthz` for liveness and `/readyz` (functions warm)
 * for readiness.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_CONFIG } from '../config';
import { DEFAULT_FUNCTION_PREFIX, eventTimeoutMs } from '../factory/nuclio';
import type { ApiSettings, LimitSettings } from './infra-config';
import { coderingLabels, selectorLabels } from './labels';
import { restrictedContainer, restrictedPod } from './pod-security';

export interface RegistryApiArgs {
  settings: Pick<ApiSettings, 'replicas' | 'port'>;
  /** The API's image as the nodes pull it. */
  image: pulumi.Input<string>;
  namespace: string;
  nuclio: { dashboardUrl: string; namespace: string; projectName: string; dashboardToken: pulumi.Output<string> };
  /** What the API pulls and pushes images with (host:port) and how. */
  imageRegistry: { server: pulumi.Input<string>; scheme: 'http' | 'https'; username: pulumi.Input<string>; password: pulumi.Output<string> };
  pullSecretName: string;
  maxLimits: LimitSettings;
  /** Runtimes to warm at start-up (`python@3.11.2`). */
  runtimes: string[];
  /** Replicas of every runtime function: the concurrency the API may use per function. */
  functionReplicas: number;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const COMPONENT = 'registry-api';
/** Over the proxy's own limits, what a call may take before the API gives up (see eventTimeoutMs). */
const RUN_MARGIN_MS = DEFAULT_CONFIG.runMarginMs;

export class RegistryApi extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  readonly credentials: k8s.core.v1.Secret;
  readonly url: string;
  /** The labels of the API's pods (NetworkPolicies let them reach the functions and the dashboard). */
  static readonly podLabels = selectorLabels(COMPONENT);

  constructor(name: string, args: RegistryApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:RegistryApi', name, {}, opts);
    const labels = coderingLabels(COMPONENT);
    const selector = selectorLabels(COMPONENT);
    const { port } = args.settings;

    this.credentials = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: 'codering-registry-api', namespace: args.namespace, labels },
        stringData: {
          registryUsername: args.imageRegistry.username,
          registryPassword: pulumi.secret(args.imageRegistry.password),
          dashboardToken: pulumi.secret(args.nuclio.dashboardToken),
        },
      },
      { parent: this },
    );

    const fromSecret = (key: string) => ({ secretKeyRef: { name: this.credentials.metadata.name, key } });
    const env: k8s.types.input.core.v1.EnvVar[] = [
      { name: 'CODERING_HOST', value: '0.0.0.0' },
      { name: 'CODERING_PORT', value: String(port) },
      { name: 'CODERING_PLATFORM', value: 'nuclio' },
      { name: 'CODERING_DATA_DIR', value: '/data' },
      { name: 'CODERING_DEFAULT_RUNTIMES', value: args.runtimes.join(',') },
      { name: 'CODERING_WARM_FLOOR', value: String(args.functionReplicas) },
      { name: 'CODERING_RUN_MARGIN_MS', value: String(RUN_MARGIN_MS) },
      { name: 'CODERING_MAX_WALL_MS', value: String(args.maxLimits.wallMs) },
      { name: 'CODERING_MAX_COMPILE_WALL_MS', value: String(args.maxLimits.compileWallMs) },
      { name: 'CODERING_MAX_MEMORY_BYTES', value: String(args.maxLimits.memoryBytes) },
      { name: 'CODERING_NUCLIO_DASHBOARD_URL', value: args.nuclio.dashboardUrl },
      { name: 'CODERING_NUCLIO_NAMESPACE', value: args.nuclio.namespace },
      { name: 'CODERING_NUCLIO_PROJECT', value: args.nuclio.projectName },
      { name: 'CODERING_NUCLIO_FUNCTION_PREFIX', value: DEFAULT_FUNCTION_PREFIX },
      { name: 'CODERING_NUCLIO_DASHBOARD_TOKEN', valueFrom: fromSecret('dashboardToken') },
      // The API stops waiting exactly when Nuclio stops the event (functions use the same margin).
      { name: 'CODERING_NUCLIO_INVOKE_TIMEOUT_MS', value: String(eventTimeoutMs(args.maxLimits, 5000)) },
      { name: 'CODERING_REGISTRY', value: args.imageRegistry.server },
      { name: 'CODERING_REGISTRY_SCHEME', value: args.imageRegistry.scheme },
      { name: 'CODERING_REGISTRY_USERNAME', valueFrom: fromSecret('registryUsername') },
      { name: 'CODERING_REGISTRY_PASSWORD', valueFrom: fromSecret('registryPassword') },
    ];

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: 'codering-registry-api', namespace: args.namespace, labels },
        spec: {
          replicas: args.settings.replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              ...restrictedPod(),
              imagePullSecrets: [{ name: args.pullSecretName }],
              containers: [
                {
                  name: 'registry-api',
                  image: args.image,
                  ports: [{ name: 'http', containerPort: port }],
                  env,
                  livenessProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 10, failureThreshold: 3 },
                  readinessProbe: { httpGet: { path: '/readyz', port }, periodSeconds: 5, failureThreshold: 2 },
                  // Warming every runtime's function can take a while after a rollout of Nuclio.
                  startupProbe: { httpGet: { path: '/healthz', port }, periodSeconds: 2, failureThreshold: 60 },
                  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
                  securityContext: restrictedContainer(),
                  volumeMounts: [
                    { name: 'data', mountPath: '/data' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                },
              ],
              volumes: [
                { name: 'data', emptyDir: { sizeLimit: '256Mi' } },
                { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
              ],
            },
          },
        },
      },
      { parent: this, dependsOn: args.dependsOn },
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: 'codering-registry-api', namespace: args.namespace, labels },
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: port }] },
      },
      { parent: this, dependsOn: [this.deployment] },
    );
    this.url = `http://codering-registry-api.${args.namespace}.svc.cluster.local`;
    this.registerOutputs({ url: this.url });
  }
}
