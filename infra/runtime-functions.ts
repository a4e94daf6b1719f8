/**
 * One NuclioFunction per runtime image, as a raw custom resource (the body comes from
 * `factory/nuclio`, checked against our closed schema). Pulumi waits until Nuclio reports the function
 * `ready`, then hardens the container Nuclio created (capabilities, no privilege escalation, read-only
 * root), which the NuclioFunction spec cannot express.
 */

import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  functionNameForImage,
  nuclioFunctionSpec,
  processorDeploymentPatch,
  type NuclioFunctionOptions,
} from '../factory/nuclio';
import type { FunctionSettings, LimitSettings } from './infra-config';
import { coderingLabels } from './labels';
import { repositoryFor, type RuntimeImage } from './runtime-images';

export interface RuntimeFunctionsArgs {
  images: RuntimeImage[];
  namespace: string;
  projectName: string;
  pullSecretName: string;
  functions: FunctionSettings;
  maxLimits: LimitSettings;
  /** The Nuclio release and project, and the pull Secret. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export interface RuntimeFunction {
  runtimeId: string;
  functionName: string;
  /** `codering/<language>:<tag>`, the image as the API names it (the function name is derived from it). */
  imageName: string;
  resource: k8s.apiextensions.CustomResource;
  hardening: k8s.apps.v1.DeploymentPatch;
}

/** Pulumi's await annotation: the create/update completes when the controller has deployed the function. */
export const WAIT_FOR_READY = 'jsonpath={.status.state}=ready';

export class RuntimeFunctions extends pulumi.ComponentResource {
  readonly functions: RuntimeFunction[];

  constructor(name: string, args: RuntimeFunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('codering:infra:RuntimeFunctions', name, {}, opts);
    this.functions = args.images.map((image) => {
      const imageName = `${repositoryFor(image.language)}:${image.tag}`;
      const functionName = functionNameForImage(imageName);
      const options = (reference: string): NuclioFunctionOptions => ({
        name: functionName,
        namespace: args.namespace,
        projectName: args.projectName,
        image: reference,
        runtimeId: image.runtimeId,
        limits: args.maxLimits,
        replicas: { min: args.functions.minReplicas, max: args.functions.maxReplicas },
        cpu: args.functions.cpu,
        imagePullSecret: args.pullSecretName,
        labels: coderingLabels('runtime-function'),
      });
      // Built once now, with a stand-in image, so that a bad spec fails the preview, not only the update.
      const template = nuclioFunctionSpec(options('pending'));
      const resource = new k8s.apiextensions.CustomResource(
        `${name}-${functionName}`,
        {
          apiVersion: template.apiVersion,
          kind: template.kind,
          metadata: {
            ...template.metadata,
            annotations: { ...template.metadata.annotations, 'pulumi.com/waitFor': WAIT_FOR_READY },
          },
          spec: image.reference.apply((reference) => nuclioFunctionSpec(options(reference)).spec),
          status: template.status,
        },
        { parent: this, dependsOn: args.dependsOn },
      );
      const patch = processorDeploymentPatch(functionName, args.namespace);
      const hardening = new k8s.apps.v1.DeploymentPatch(
        `${name}-${functionName}-hardening`,
        { metadata: { ...patch.metadata, labels: coderingLabels('runtime-function') }, spec: patch.spec },
        { parent: this, dependsOn: [resource] },
      );
      return { runtimeId: image.runtimeId, functionName, imageName, resource, hardening };
    });
    this.registerOutputs({ functions: this.functions.map((f) => f.functionName) });
  }
}
