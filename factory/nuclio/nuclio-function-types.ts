/**
 * The NuclioFunction custom resource, typed for the keys we use (Nuclio v1.14, `pkg/functionconfig`).
 * The CRD is schema-less, so these types and `nuclio-function-schema.ts` are our only guard against a
 * misspelled key that Kubernetes would accept and Nuclio would silently ignore.
 */

export interface KeyValue {
  name: string;
  value: string;
}

export interface ResourceQuantities {
  cpu: string;
  memory: string;
}

export interface NuclioHttpTrigger {
  kind: 'http';
  name: string;
  /** Events one replica handles at once; each runs one proxy process. */
  numWorkers: number;
  /** 0: a busy replica answers 503 at once, so the racing executor tries another instead of queueing. */
  workerAvailabilityTimeoutMilliseconds: number;
  attributes: {
    /** fasthttp reads the whole body into memory: bound it by what the API accepts. */
    maxRequestBodySize: number;
    serviceType: 'ClusterIP';
  };
}

export interface NuclioVolume {
  volume: { name: string; emptyDir: { medium: 'Memory'; sizeLimit: string } };
  volumeMount: { name: string; mountPath: string };
}

/**
 * Nuclio's `spec.securityContext` is a *pod* security context (`v1.PodSecurityContext`): capabilities,
 * `allowPrivilegeEscalation` and `readOnlyRootFilesystem` cannot be expressed there (see
 * `processor-container-security.ts` for how they are applied).
 */
export interface NuclioPodSecurityContext {
  runAsUser: number;
  runAsGroup: number;
  runAsNonRoot: true;
  seccompProfile: { type: 'RuntimeDefault' };
}

export interface NuclioFunctionSpec {
  description: string;
  runtime: 'shell';
  handler: string;
  image: string;
  imagePullPolicy: 'IfNotPresent' | 'Always';
  imagePullSecrets?: string;
  build: { codeEntryType: 'image'; image: string; noBaseImagesPull: true };
  runtimeAttributes: { arguments: string; responseHeaders: Record<string, string> };
  env: KeyValue[];
  resources: { requests: ResourceQuantities; limits: ResourceQuantities };
  minReplicas: number;
  maxReplicas: number;
  triggers: { http: NuclioHttpTrigger };
  eventTimeout: string;
  readinessTimeoutSeconds: number;
  serviceType: 'ClusterIP';
  securityContext: NuclioPodSecurityContext;
  /** The pods' service account (Nuclio sets `serviceAccountName` from it on every deploy). */
  serviceAccount?: string;
  volumes: NuclioVolume[];
}

export interface NuclioFunctionResource {
  apiVersion: 'nuclio.io/v1beta1';
  kind: 'NuclioFunction';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: NuclioFunctionSpec;
  /** The controller ignores a CR created directly unless it is in this state. */
  status: { state: 'waitingForResourceConfiguration' };
}

export interface NuclioProjectResource {
  apiVersion: 'nuclio.io/v1beta1';
  kind: 'NuclioProject';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { description: string };
}
