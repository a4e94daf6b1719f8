/**
 * Authentication for the Nuclio dashboard, whose chart default (`authConfig.kind: nop`) lets anyone who
 * reaches it deploy functions. Nuclio 1.14's only other kind, `iguazio`, POSTs every dashboard
 * request's `Authorization` and `Cookie` headers to a verification URL and lets the request through
 * when that answers 2xx with a JSON body (anything else: 401). Unless the operator names a verifier of
 * their own (`nuclio.authVerificationUrl`), this component runs ours: a few lines of Node in the API's
 * own image (non-root, read-only root, no token), that accepts exactly `Bearer <dashboardToken>` —
 * the token the API is given — compared in constant time. Only the dashboard may reach it.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { podsIn } from './function-isolation';
import { coderingLabels, selectorLabels } from './labels';
import { NUCLIO_DASHBOARD_POD_LABELS } from './nuclio';
import { restrictedContainer, restrictedPod } from './pod-security';

export interface DashboardAuthArgs {
  /** Nuclio's namespace: the dashboard's, and the verifier's. */
  namespace: string;
  token: pulumi.Output<string>;
  /** An external verifier; null: ours. */
  verificationUrl: string | null;
  /** An image with `node` (the API's). */
  image: pulumi.Input<string>;
  pullSecretName: string;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const COMPONENT = 'dashboard-auth';
const NAME = 'codering-dashboard-auth';
const PORT = 8080;
/** The header the dashboard reads the user's name from, for the `iguazio.com/username` label it adds. */
export const VERIFIED_USER = 'codering-api';

/**
 * The verifier, run as `node -e`. Answers 200 with `{}` (the dashboard parses the body as JSON) for
 * `/verify` with the right bearer token, 401 otherwise; `/healthz` for the probes.
 */
export const VERIFIER_SOURCE = `'use strict';
const http = require('node:http');
const { createHash, timingSafeEqual } = require('node:crypto');
const digest = (text) => createHash('sha256').update(text, 'utf8').digest();
const token = process.env.DASHBOARD_TOKEN || '';
if (token.length < 32) { console.error('DASHBOARD_TOKEN is missing or short'); process.exit(1); }
const expected = digest('Bearer ' + token);
http.createServer((request, response) => {
  request.resume();
  if (request.url === '/healthz') { response.writeHead(200).end(); return; }
  const given = request.headers.authorization;
  const ok = request.url === '/verify' && typeof given === 'string' && timingSafeEqual(digest(given), expected);
  if (ok) response.writeHead(200, { 'Content-Type': 'application/json', 'X-Remote-User': '${VERIFIED_USER}' }).end('{}');
  else response.writeHead(401).end();
}).listen(Number(process.env.PORT || ${PORT}));
`;

export class DashboardAuth extends pulumi.ComponentResource {
  /** The chart's `dashboard.authConfig`. */
  readonly authConfig: Record<string, unknown>;
  readonly verificationUrl: string;

  constructor(name: string, args: DashboardAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:DashboardAuth', name, {}, opts);
    this.verificationUrl = args.verificationUrl ?? `http://${NAME}.${args.namespace}.svc.cluster.local/verify`;
    this.authConfig = {
      kind: 'iguazio',
      iguazio: {
        sessionVerificationURL: this.verificationUrl,
        // Asked for by some dashboard routes instead of the first: the same check.
        sessionVerificationDataEnrichmentURL: this.verificationUrl,
        timeout: '10s',
        cacheSize: 100,
        cacheExpirationTimeout: '60s',
      },
    };
    if (args.verificationUrl === null) this.verifier(name, args);
    this.registerOutputs({ verificationUrl: this.verificationUrl });
  }

  private verifier(name: string, args: DashboardAuthArgs): void {
    const labels = coderingLabels(COMPONENT);
    const selector = selectorLabels(COMPONENT);
    const { namespace } = args;
    const options = { parent: this, dependsOn: args.dependsOn };
    const secret = new k8s.core.v1.Secret(
      `${name}-token`,
      { metadata: { name: NAME, namespace, labels }, stringData: { token: pulumi.secret(args.token) } },
      options,
    );
    const probe = { httpGet: { path: '/healthz', port: PORT }, periodSeconds: 10 };
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: NAME, namespace, labels },
        spec: {
          // Down, it locks the API out of the dashboard: two, on two nodes when there are.
          replicas: 2,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              ...restrictedPod(),
              imagePullSecrets: [{ name: args.pullSecretName }],
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } } },
                  ],
                },
              },
              containers: [
                {
                  name: 'verifier',
                  image: args.image,
                  command: ['node', '-e', VERIFIER_SOURCE],
                  ports: [{ name: 'http', containerPort: PORT }],
                  env: [
                    { name: 'PORT', value: String(PORT) },
                    { name: 'DASHBOARD_TOKEN', valueFrom: { secretKeyRef: { name: secret.metadata.name, key: 'token' } } },
                  ],
                  readinessProbe: probe,
                  livenessProbe: probe,
                  resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '96Mi' } },
                  securityContext: restrictedContainer(),
                },
              ],
            },
          },
        },
      },
      options,
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      { metadata: { name: NAME, namespace, labels }, spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: PORT }] } },
      { parent: this, dependsOn: [deployment] },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-policy`,
      {
        metadata: { name: NAME, namespace, labels },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [podsIn(namespace, NUCLIO_DASHBOARD_POD_LABELS)], ports: [{ protocol: 'TCP', port: PORT }] }],
          egress: [],
        },
      },
      options,
    );
  }
}
