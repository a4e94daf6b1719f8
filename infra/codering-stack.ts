/**
 * The whole system on one cluster: namespaces, the image registry, the runtime images, Nuclio, one
 * function per runtime, and the registry API. The order is the resource graph's: images need the
 * image registry, functions need Nuclio and the images, the API needs the functions.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './infra-config';
import { coderingLabels } from './labels';
import { Nuclio } from './nuclio';
import { ImageRegistry } from './image-registry';
import { RegistryApi } from './registry-api';
import { RuntimeFunctions } from './runtime-functions';
import { RuntimeImages } from './runtime-images';

export interface CoderingStack {
  registryServer: pulumi.Output<string>;
  images: Record<string, pulumi.Output<string>>;
  functions: Record<string, string>;
  dashboardUrl: string;
  apiUrl: string;
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
                // Runtime pods run as root (the proxy drops to uid 1000 itself): `baseline`, not `restricted`.
                'pod-security.kubernetes.io/enforce': 'baseline',
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

  const images = new RuntimeImages(
    'runtime-images',
    {
      runtimes: config.runtimes,
      root,
      pushServer: imageRegistry.pushServer,
      pullServer: imageRegistry.pullServer,
      username: imageRegistry.username,
      password: imageRegistry.password,
      skipPush: config.skipPush,
    },
    { dependsOn: [imageRegistry] },
  );

  const nuclio = new Nuclio(
    'nuclio',
    {
      settings: config.nuclio,
      namespace: config.nuclioNamespace,
      pullServer: imageRegistry.pullServer,
      pullSecretName: imageRegistry.pullSecretName,
      dependsOn: [...namespaceResources, ...imageRegistry.pullSecrets],
    },
  );

  const functions = new RuntimeFunctions('runtime-functions', {
    images: images.images,
    namespace: config.nuclioNamespace,
    projectName: nuclio.projectName,
    pullSecretName: imageRegistry.pullSecretName,
    functions: config.functions,
    maxLimits: config.maxLimits,
    dependsOn: [nuclio.release, nuclio.project, ...imageRegistry.pullSecrets],
  });

  const inCluster = config.registry.mode === 'in-cluster';
  const api = new RegistryApi('registry-api', {
    settings: config.api,
    namespace: config.namespace,
    nuclio: { dashboardUrl: nuclio.dashboardUrl, namespace: nuclio.namespace, projectName: nuclio.projectName },
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
    dependsOn: functions.functions.map((f) => f.resource),
  });

  return {
    registryServer: imageRegistry.pushServer,
    images: Object.fromEntries(images.images.map((image) => [image.runtimeId, image.reference])),
    functions: Object.fromEntries(functions.functions.map((f) => [f.runtimeId, f.functionName])),
    dashboardUrl: nuclio.dashboardUrl,
    apiUrl: api.url,
  };
}
