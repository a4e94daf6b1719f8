/**
 * One NuclioFunction per runtime image, as a raw custom resource (the body comes from
 * `factory/nuclio`, checked against our closed schema), named from the content-tagged image the API
 * runs by the one naming function the API uses too. Pulumi waits until Nuclio reports the function
 * `ready`, then hardens the Deployment Nuclio created (capabilities, no privilege escalation, read-only
 * root, no token), which the NuclioFunction spec cannot express.
 *
 * Who owns `status.state`: the controller, except at the moments Pulumi applies the function. A raw CR
 * is only deployed from `waitingForResourceConfiguration`, and the controller writes `ready` (or
 * `error`) back with an update that takes the field's ownership. So each apply of ours (a create, or
 * an update because the spec or the redeploy annotation changed) sets the state back with a forced
 * server-side apply (`pulumi.com/patchForce`), which is what makes the controller redeploy the
 * function — with the state left at `ready` it would skip a function deployed less than 60 s ago and
 * never retry one in `error`. A run with no change applies nothing, so the controller's `ready` stays.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  FUNCTION_SERVICE_ACCOUNT,
  nuclioFunctionSpec,
  processorDeploymentPatch,
  type NuclioFunctionOptions,
} from '../factory/nuclio';
import { maxReplicasOf, type FunctionSettings, type LimitSettings } from './infra-config';
import { coderingLabels } from './labels';
import type { RuntimeImage } from './runtime-images';

export interface RuntimeFunctionsArgs {
  images: RuntimeImage[];
  namespace: string;
  projectName: string;
  pullSecretName: string;
  functions: FunctionSettings;
  maxLimits: LimitSettings;
  /** The Nuclio release and project, the pull Secret, the service account. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export interface RuntimeFunction {
  runtimeId: string;
  functionName: string;
  /** `codering/<language>:<content tag>`, the image the API runs (the function name is derived from it). */
  servedImage: string;
  resource: k8s.apiextensions.CustomResource;
  hardening: k8s.apps.v1.DeploymentPatch;
}

/** Pulumi's await annotation: the create/update completes when the controller has deployed the function. */
export const WAIT_FOR_READY = 'jsonpath={.status.state}=ready';
/** Changing it (config `functions.redeploy`) makes an update, and so a redeploy, with no other change. */
export const REDEPLOY_ANNOTATION = 'codering.org/redeploy';
/** Pulumi waits this much longer than Nuclio does, so Nuclio's verdict (`ready` or `error`) comes first. */
const AWAIT_MARGIN_SECONDS = 120;

export class RuntimeFunctions extends pulumi.ComponentResource {
  readonly functions: RuntimeFunction[];

  constructor(name: string, args: RuntimeFunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:RuntimeFunctions', name, {}, opts);
    const { functions } = args;
    this.functions = args.images.map((image) => {
      const options = (reference: string): NuclioFunctionOptions => ({
        servedImage: image.servedImage,
        namespace: args.namespace,
        projectName: args.projectName,
        image: reference,
        runtimeId: image.runtimeId,
        limits: args.maxLimits,
        replicas: { min: functions.minReplicas, max: maxReplicasOf(functions) },
        cpu: functions.cpu,
        readinessTimeoutSeconds: functions.readinessTimeoutSeconds,
        imagePullSecret: args.pullSecretName,
        serviceAccount: FUNCTION_SERVICE_ACCOUNT,
        labels: coderingLabels('runtime-function'),
      });
      // Built once now, with a stand-in image, so that a bad spec fails the preview, not only the update.
      const template = nuclioFunctionSpec(options('pending'));
      const functionName = template.metadata.name;
      const resource = new k8s.apiextensions.CustomResource(
        `${name}-${functionName}`,
        {
          apiVersion: template.apiVersion,
          kind: template.kind,
          metadata: {
            ...template.metadata,
            annotations: {
              ...template.metadata.annotations,
              'pulumi.com/waitFor': WAIT_FOR_READY,
              'pulumi.com/timeoutSeconds': String(functions.readinessTimeoutSeconds + AWAIT_MARGIN_SECONDS),
              // Our apply sets status.state back to waiting although the controller owns it by then.
              'pulumi.com/patchForce': 'true',
              ...(functions.redeploy === null ? {} : { [REDEPLOY_ANNOTATION]: functions.redeploy }),
            },
          },
          spec: image.reference.apply((reference) => nuclioFunctionSpec(options(reference)).spec),
          status: template.status,
        },
        { parent: this, dependsOn: args.dependsOn },
      );
      const patch = processorDeploymentPatch(functionName, args.namespace, { userNamespaces: functions.userNamespaces });
      const hardening = new k8s.apps.v1.DeploymentPatch(
        `${name}-${functionName}-hardening`,
        { metadata: { ...patch.metadata, labels: coderingLabels('runtime-function') }, spec: patch.spec },
        { parent: this, dependsOn: [resource] },
      );
      return { runtimeId: image.runtimeId, functionName, servedImage: image.servedImage, resource, hardening };
    });
    this.registerOutputs({ functions: this.functions.map((f) => f.functionName) });
  }
}
