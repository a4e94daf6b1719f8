/**
 * Every Kubernetes object the program renders, checked against Kubernetes' own OpenAPI schemas (the
 * `kubernetes-models` package: types, required fields, enums, formats), and so is the Deployment
 * Nuclio will make of each function with our patch merged (as far as nuclio-deployment-model.ts
 * models it). Those schemas accept unknown keys, as the API server does unless asked to be strict:
 * the policy tests check the keys that matter by name. Nuclio's own objects are checked against our
 * closed schema (factory/nuclio).
 */

import { Deployment } from 'kubernetes-models/apps/v1';
import { validateNuclioFunction, validateNuclioProject, type NuclioFunctionResource, type ProcessorDeploymentPatch } from '../../../factory/nuclio';
import { nuclioDeploymentOf } from './nuclio-deployment-model';
import { unwrapSecrets, type RecordedResource } from './pulumi-mocks';
import { FUNCTION_TYPE, inClusterConfig, one, runStack } from './stack-fixtures';

interface Model {
  validate(): void;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ModelClass = new (data: any) => Model;

/** `kubernetes:apps/v1:Deployment` → the model class of `apps/v1` Deployment (`core` is the `v1` module). */
function modelFor(type: string): ModelClass {
  const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (match === null) throw new Error(`not a Kubernetes type: ${type}`);
  const [, group, version, kind] = match as unknown as [string, string, string, string];
  const module = group === 'core' ? version : `${group}/${version}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(`kubernetes-models/${module}`) as Record<string, ModelClass>;
  const model = models[kind];
  if (model === undefined) throw new Error(`kubernetes-models has no ${kind} in ${module}`);
  return model;
}

/** What Kubernetes validates: the inputs with secrets unwrapped (plain values, as the provider sends them). */
function validate(object: unknown, model: ModelClass): string | null {
  try {
    new model(unwrapSecrets(object)).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const OURS = new Set(['kubernetes:nuclio.io/v1beta1:NuclioFunction', 'kubernetes:nuclio.io/v1beta1:NuclioProject']);
/** Not objects: a Helm release (the chart's own), a partial patch (checked merged, below). */
const NOT_OBJECTS = new Set(['kubernetes:helm.sh/v3:Release', 'kubernetes:apps/v1:DeploymentPatch']);

let resources: RecordedResource[] = [];

beforeAll(async () => {
  resources = await runStack(inClusterConfig({ functions: { userNamespaces: true } }));
}, 30_000);

it('renders objects of every kind it needs', () => {
  const kinds = new Set(resources.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.type.split(':')[2]));
  expect([...kinds].sort()).toEqual([
    'Deployment',
    'DeploymentPatch',
    'Namespace',
    'NetworkPolicy',
    'NuclioFunction',
    'NuclioProject',
    'PersistentVolumeClaim',
    'Release',
    'Secret',
    'Service',
    'ServiceAccount',
  ]);
});

it("validates every Kubernetes object against Kubernetes' own schemas", () => {
  const objects = resources.filter((r) => r.type.startsWith('kubernetes:') && !OURS.has(r.type) && !NOT_OBJECTS.has(r.type));
  expect(objects.length).toBeGreaterThanOrEqual(15);
  for (const object of objects) expect([object.type, object.name, validate(object.inputs, modelFor(object.type))]).toEqual([object.type, object.name, null]);
});

it('validates the NuclioFunctions and the NuclioProject against our closed schema', () => {
  for (const object of resources.filter((r) => OURS.has(r.type))) {
    const check = object.type === FUNCTION_TYPE ? validateNuclioFunction : validateNuclioProject;
    expect(() => check(object.inputs)).not.toThrow();
  }
});

it('validates the Deployment Nuclio will make of each function, our patch merged', () => {
  const functions = resources.filter((r) => r.type === FUNCTION_TYPE);
  expect(functions).toHaveLength(2);
  for (const fn of functions) {
    const patch = one(resources, 'kubernetes:apps/v1:DeploymentPatch', `runtime-functions-${fn.inputs.metadata.name}-hardening`);
    const deployment = nuclioDeploymentOf(fn.inputs as NuclioFunctionResource, patch.inputs as ProcessorDeploymentPatch);
    expect(deployment.spec.template.spec.hostUsers).toBe(false);
    expect([fn.name, validate(deployment, Deployment)]).toEqual([fn.name, null]);
  }
});

it('would notice a wrong type in a merged Deployment (the check checks)', () => {
  const fn = resources.find((r) => r.type === FUNCTION_TYPE) as RecordedResource;
  const deployment = nuclioDeploymentOf(fn.inputs as NuclioFunctionResource);
  deployment.spec.template.spec.containers[0].securityContext = { runAsUser: '1000' };
  expect(validate(deployment, Deployment)).toMatch(/runAsUser must be integer/);
  delete deployment.spec.selector;
  expect(validate(deployment, Deployment)).toMatch(/selector/);
});
