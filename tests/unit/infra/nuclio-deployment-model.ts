/**
 * A model of the Deployment Nuclio 1.14's controller makes of a NuclioFunction (`functionres/lazy.go`,
 * `createOrUpdateDeployment` and `populateDeploymentContainer`), with our hardening patch merged as a
 * server-side apply merges it (containers by name). A model, read from the source: what the
 * controller adds beyond it (annotations, a few environment variables, the strategy) carries nothing
 * this project's checks depend on.
 */

import type { NuclioFunctionResource, ProcessorDeploymentPatch } from '../../../factory/nuclio';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The controller's class labels, plus the name and version it adds (`getFunctionLabels`). */
export function nuclioPodLabels(fn: NuclioFunctionResource): Record<string, string> {
  return {
    ...fn.metadata.labels,
    'nuclio.io/class': 'function',
    'nuclio.io/app': 'functionres',
    'nuclio.io/function-name': fn.metadata.name,
    'nuclio.io/function-version': 'latest',
  };
}

export function nuclioDeploymentOf(fn: NuclioFunctionResource, patch?: ProcessorDeploymentPatch): Json {
  const name = `nuclio-${fn.metadata.name}`;
  const labels = nuclioPodLabels(fn);
  const { spec } = fn;
  const container: Json = {
    name: 'nuclio',
    image: spec.image,
    resources: spec.resources,
    env: [
      { name: 'NUCLIO_FUNCTION_NAME', value: fn.metadata.name },
      { name: 'NUCLIO_FUNCTION_VERSION', value: 'latest' },
      { name: 'NUCLIO_FUNCTION_INSTANCE', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ...spec.env,
    ],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { port: 8080, path: '/__internal/health' },
      initialDelaySeconds: 5,
      timeoutSeconds: 1,
      periodSeconds: 1,
      failureThreshold: 10,
    },
    livenessProbe: { httpGet: { port: 8082, path: '/live' }, initialDelaySeconds: 10, timeoutSeconds: 3, periodSeconds: 5 },
    imagePullPolicy: spec.imagePullPolicy,
    volumeMounts: [
      ...spec.volumes.map((v) => v.volumeMount),
      { name: 'processor-config-volume', mountPath: '/etc/nuclio/config/processor' },
      { name: 'platform-config-volume', mountPath: '/etc/nuclio/config/platform' },
    ],
  };
  const podSpec: Json = {
    containers: [container],
    volumes: [
      ...spec.volumes.map((v) => v.volume),
      { name: 'processor-config-volume', configMap: { name } },
      { name: 'platform-config-volume', configMap: { name: 'nuclio-platform-config', optional: true } },
    ],
    securityContext: spec.securityContext,
    ...(spec.serviceAccount === undefined ? {} : { serviceAccountName: spec.serviceAccount }),
    ...(spec.imagePullSecrets === undefined ? {} : { imagePullSecrets: [{ name: spec.imagePullSecrets }] }),
  };
  const deployment: Json = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: fn.metadata.namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      // GetComputedReplicas: fixed when min = max, else left to the HPA.
      ...(spec.minReplicas === spec.maxReplicas ? { replicas: spec.minReplicas } : {}),
      template: { metadata: { name, namespace: fn.metadata.namespace, labels }, spec: podSpec },
    },
  };
  if (patch !== undefined) mergePatch(deployment, patch);
  return deployment;
}

/** Server-side apply of the patch: pod-level keys replaced, containers merged by name. */
function mergePatch(deployment: Json, patch: ProcessorDeploymentPatch): void {
  const pod = deployment.spec.template.spec;
  const { containers, ...podKeys } = patch.spec.template.spec;
  Object.assign(pod, podKeys);
  for (const patched of containers) {
    const target = pod.containers.find((c: { name: string }) => c.name === patched.name);
    if (target === undefined) throw new Error(`the patch names container ${patched.name}, which Nuclio does not make`);
    target.securityContext = { ...target.securityContext, ...patched.securityContext };
  }
}
