/**
 * The image registry the runtime images are pushed to and the functions pull from: either ours, in
 * the cluster (distribution with htpasswd auth, on a PVC, exposed on a NodePort so that both `pulumi
 * up` and the nodes' container runtime reach it), or an external one. Either way, a
 * `kubernetes.io/dockerconfigjson` Secret in each namespace that pulls.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ImageRegistrySettings } from './infra-config';
import { coderingLabels, selectorLabels } from './labels';
import { restrictedContainer, restrictedPod } from './pod-security';

export interface ImageRegistryArgs {
  settings: ImageRegistrySettings;
  /** Namespace of the in-cluster registry. */
  namespace: pulumi.Input<string>;
  /** Namespaces that get the pull Secret (the functions' and the API's). */
  pullSecretNamespaces: pulumi.Input<string>[];
  password: pulumi.Output<string>;
  /** bcrypt htpasswd lines, for the in-cluster registry. */
  htpasswd?: pulumi.Output<string>;
}

export const PULL_SECRET_NAME = 'codering-registry';
const COMPONENT = 'registry';

export class ImageRegistry extends pulumi.ComponentResource {
  readonly pushServer: pulumi.Output<string>;
  readonly pullServer: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
  /** Name of the pull Secret, the same in every namespace. */
  readonly pullSecretName: string = PULL_SECRET_NAME;
  readonly pullSecrets: k8s.core.v1.Secret[];

  constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    // The Pulumi type token keeps the component's former name: it is part of every resource's URN, and
    // a new token would make `pulumi up` replace the registry (and its volume) of existing stacks.
    super('codering:infra:Registry', name, {}, opts);
    const { settings } = args;
    const labels = coderingLabels(COMPONENT);
    let ready: pulumi.Resource[] = [];

    if (settings.mode === 'in-cluster') {
      if (args.htpasswd === undefined) throw new Error('an in-cluster registry needs its htpasswd (registryHtpasswd)');
      ready = this.inCluster(name, args, args.htpasswd);
    }

    this.pushServer = pulumi.output(settings.pushServer);
    this.pullServer = pulumi.output(settings.pullServer);
    this.username = pulumi.output(settings.username);
    this.password = pulumi.secret(args.password);

    const dockerConfig = pulumi
      .all([this.pullServer, this.username, this.password])
      .apply(([server, username, password]) =>
        JSON.stringify({
          auths: {
            [server]: { username, password, auth: Buffer.from(`${username}:${password}`).toString('base64') },
          },
        }),
      );
    this.pullSecrets = args.pullSecretNamespaces.map(
      (namespace, index) =>
        new k8s.core.v1.Secret(
          `${name}-pull-${index}`,
          {
            metadata: { name: PULL_SECRET_NAME, namespace, labels },
            type: 'kubernetes.io/dockerconfigjson',
            stringData: { '.dockerconfigjson': pulumi.secret(dockerConfig) },
          },
          { parent: this, dependsOn: ready },
        ),
    );

    this.registerOutputs({ pushServer: this.pushServer, pullServer: this.pullServer });
  }

  private inCluster(name: string, args: ImageRegistryArgs, htpasswd: pulumi.Output<string>): pulumi.Resource[] {
    const { settings, namespace } = args;
    const labels = coderingLabels(COMPONENT);
    const selector = selectorLabels(COMPONENT);

    const auth = new k8s.core.v1.Secret(
      `${name}-htpasswd`,
      { metadata: { name: 'codering-registry-htpasswd', namespace, labels }, stringData: { htpasswd: pulumi.secret(htpasswd) } },
      { parent: this },
    );
    const storage = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-storage`,
      {
        metadata: { name: 'codering-registry', namespace, labels },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: settings.storage } } },
      },
      { parent: this },
    );
    const probe = { httpGet: { path: '/', port: 5000 }, periodSeconds: 10 };
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: 'codering-registry', namespace, labels },
        spec: {
          replicas: 1,
          // One writer on a ReadWriteOnce volume: never two pods at once.
          strategy: { type: 'Recreate' },
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              ...restrictedPod(),
              containers: [
                {
                  name: 'registry',
                  image: settings.image,
                  ports: [{ name: 'registry', containerPort: 5000 }],
                  env: [
                    { name: 'REGISTRY_AUTH', value: 'htpasswd' },
                    { name: 'REGISTRY_AUTH_HTPASSWD_REALM', value: 'codering-x' },
                    { name: 'REGISTRY_AUTH_HTPASSWD_PATH', value: '/auth/htpasswd' },
                    // Deletes are by digest: the factory's garbage collection needs them.
                    { name: 'REGISTRY_STORAGE_DELETE_ENABLED', value: 'true' },
                  ],
                  volumeMounts: [
                    { name: 'data', mountPath: '/var/lib/registry' },
                    { name: 'auth', mountPath: '/auth', readOnly: true },
                  ],
                  readinessProbe: probe,
                  livenessProbe: { ...probe, initialDelaySeconds: 10 },
                  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                  securityContext: restrictedContainer(),
                },
              ],
              volumes: [
                { name: 'data', persistentVolumeClaim: { claimName: storage.metadata.name } },
                { name: 'auth', secret: { secretName: auth.metadata.name } },
              ],
            },
          },
        },
      },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: 'codering-registry', namespace, labels },
        spec: {
          type: 'NodePort',
          selector,
          ports: [{ name: 'registry', port: 5000, targetPort: 5000, nodePort: settings.nodePort }],
        },
      },
      { parent: this, dependsOn: [deployment] },
    );
    return [deployment, service];
  }
}
