/**
 * The whole system on one cluster: namespaces, the image registry, the images (runtimes' Nuclio images,
 * the API's), the dashboard's authentication, Nuclio, the functions' isolation, one function per
 * runtime, and the registry API. The order is the resource graph's: images need the image registry,
 * functions need Nuclio, the images and their service account, the API needs the functions.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { API_REPOSITORY, type InfraConfig } from './infra-config';
import { coderingLabels } from './labels';
import { DashboardAuth } from './dashboard-auth';
import { FunctionIsolation } from './function-isolation';
import { Nuclio } from './nuclio';
import { ImageRegistry } from './image-registry';
import { pushImage } from './pushed-image';
import { RegistryApi } from './registry-api';
import { RuntimeFunctions } from './runtime-functions';
import { RuntimeImages } from './runtime-images';

export interface CoderingStack {
  registryServer: pulumi.Output<string>;
  images: Record<string, pulumi.Output<string>>;
  apiImage: pulumi.Output<string>;
  functions: Record<string, string>;
  dashboardUrl: string;
  apiUrl: string;
}

/**
 * Pod Security admission per namespace. Nuclio creates a function's Deployment without container-level
 * settings (they come with our patch once it is ready), so its namespace can only enforce `baseline`;
 * it warns and audits against `restricted`. The API's namespace enforces `restricted`.
 */
function podSecurityLabels(level: 'baseline' | 'restricted'): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}

export function deployCodering(config: InfraConfig, root: string): CoderingStack {
  const namespaces = [...new Set([config.namespace, config.nuclioNamespace])];
  const namespaceResources = config.createNamespaces
    ? namespaces.map(
        (name) =>
          new k8s.core.v1.Namespace(`namespace-${name}`, {
            metadata: {
              name,
              labels: {
                ...coderingLabels('namespace'),
                ...podSecurityLabels(name === config.nuclioNamespace ? 'baseline' : 'restricted'),
              },
            },
          }),
      )
    : [];

  const imageRegistry = new ImageRegistry(
    'registry',
    {
      settings: config.registry,
      namespace: config.namespace,
      pullSecretNamespaces: namespaces,
      password: config.registryPassword,
      htpasswd: config.registryHtpasswd,
    },
    { dependsOn: namespaceResources },
  );
  const pushTarget = {
    pushServer: imageRegistry.pushServer,
    pullServer: imageRegistry.pullServer,
    username: imageRegistry.username,
    password: imageRegistry.password,
    skipPush: config.skipPush,
  };

  const images = new RuntimeImages('runtime-images', { ...pushTarget, runtimes: config.runtimes, root }, { dependsOn: [imageRegistry] });

  // The API's image: the factory's, or built here from the context it rendered.
  const { build } = config.api;
  const apiImage =
    build === null
      ? pulumi.output(config.api.image as string)
      : pushImage('api-image', { root, ...build, localName: `${API_REPOSITORY}:${build.tag}` }, pushTarget, {
          dependsOn: [imageRegistry],
        }).reference;

  const dashboardAuth = new DashboardAuth('dashboard-auth', {
    namespace: config.nuclioNamespace,
    token: config.dashboardToken,
    verificationUrl: config.nuclio.authVerificationUrl,
    image: apiImage,
    pullSecretName: imageRegistry.pullSecretName,
    dependsOn: [...namespaceResources, ...imageRegistry.pullSecrets],
  });

  const nuclio = new Nuclio('nuclio', {
    settings: config.nuclio,
    namespace: config.nuclioNamespace,
    pullServer: imageRegistry.pullServer,
    pullSecretName: imageRegistry.pullSecretName,
    dashboardAuthConfig: dashboardAuth.authConfig,
    dependsOn: [...namespaceResources, ...imageRegistry.pullSecrets],
  });

  const isolation = new FunctionIsolation('function-isolation', {
    namespace: config.nuclioNamespace,
    api: { namespace: config.namespace, podLabels: RegistryApi.podLabels },
    dependsOn: namespaceResources,
  });

  const functions = new RuntimeFunctions('runtime-functions', {
    images: images.images,
    namespace: config.nuclioNamespace,
    projectName: nuclio.projectName,
    pullSecretName: imageRegistry.pullSecretName,
    functions: config.functions,
    maxLimits: config.maxLimits,
    dependsOn: [nuclio.release, nuclio.project, isolation, ...imageRegistry.pullSecrets],
  });

  const inCluster = config.registry.mode === 'in-cluster';
  const api = new RegistryApi('registry-api', {
    settings: config.api,
    image: apiImage,
    namespace: config.namespace,
    nuclio: {
      dashboardUrl: nuclio.dashboardUrl,
      namespace: nuclio.namespace,
      projectName: nuclio.projectName,
      dashboardToken: config.dashboardToken,
    },
    imageRegistry: {
      // In the cluster, the API reaches our registry by its Service, in plain HTTP (no TLS inside).
      server: inCluster ? `codering-registry.${config.namespace}.svc.cluster.local:5000` : imageRegistry.pullServer,
      scheme: inCluster ? 'http' : 'https',
      username: imageRegistry.username,
      password: imageRegistry.password,
    },
    pullSecretName: imageRegistry.pullSecretName,
    maxLimits: config.maxLimits,
    runtimes: config.runtimes.map((runtime) => runtime.id),
    functionReplicas: config.functions.minReplicas,
    dependsOn: [dashboardAuth, ...functions.functions.map((f) => f.resource)],
  });

  return {
    registryServer: imageRegistry.pushServer,
    images: Object.fromEntries(images.images.map((image) => [image.runtimeId, image.reference])),
    apiImage,
    functions: Object.fromEntries(functions.functions.map((f) => [f.runtimeId, f.functionName])),
    dashboardUrl: nuclio.dashboardUrl,
    apiUrl: api.url,
  };
}
