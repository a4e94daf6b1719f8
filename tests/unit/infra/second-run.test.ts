/**
 * `pulumi up` twice: what the engine would plan for the second run. Pulumi diffs a resource's new
 * inputs against the ones it recorded, so the program is run twice under mocks and the two sets of
 * inputs compared, resource by resource (same type and name, the URN's parts). Identical inputs are
 * planned `same`: nothing is sent to the cluster, so the status the controller wrote stays. A
 * difference is an update, or a replacement when it touches a field Kubernetes cannot change in place
 * (name, namespace, kind: what the Kubernetes provider replaces on for these objects).
 */

import { isDeepStrictEqual } from 'node:util';
import type { RecordedResource } from './pulumi-mocks';
import { FUNCTION_TYPE, RUNTIMES, inClusterConfig, runStack } from './stack-fixtures';

type Step = 'same' | 'update' | 'replace' | 'create' | 'delete';

const key = (r: RecordedResource) => `${r.type}::${r.name}`;

/** The fields whose change makes the provider replace the object. */
function identity(r: RecordedResource): unknown {
  const { apiVersion, kind, metadata } = r.inputs as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
  if (r.type === 'docker:index/image:Image') return r.inputs.imageName;
  return [apiVersion, kind, metadata?.name, metadata?.namespace, r.type === 'kubernetes:apps/v1:Deployment' ? r.inputs.spec.selector : null];
}

function plan(before: RecordedResource[], after: RecordedResource[]): Map<string, Step> {
  const old = new Map(before.map((r) => [key(r), r]));
  const steps = new Map<string, Step>();
  for (const next of after) {
    const previous = old.get(key(next));
    if (previous === undefined) steps.set(key(next), 'create');
    else if (isDeepStrictEqual(previous.inputs, next.inputs)) steps.set(key(next), 'same');
    else steps.set(key(next), isDeepStrictEqual(identity(previous), identity(next)) ? 'update' : 'replace');
  }
  for (const previous of before) if (!steps.has(key(previous))) steps.set(key(previous), 'delete');
  return steps;
}

function stepsOf(steps: Map<string, Step>, step: Step): string[] {
  return [...steps].filter(([, s]) => s === step).map(([k]) => k).sort();
}

let first: RecordedResource[] = [];

beforeAll(async () => {
  first = await runStack(inClusterConfig());
}, 30_000);

it('plans nothing at all for a second run with no config change: no replacement, no update of any status', async () => {
  const second = await runStack(inClusterConfig());
  expect(second.length).toBe(first.length);
  const steps = plan(first, second);
  expect(stepsOf(steps, 'same')).toHaveLength(first.length);
  // Spelled out for the functions: their status input is the same constant, so it is never re-sent.
  for (const fn of second.filter((r) => r.type === FUNCTION_TYPE)) expect(fn.inputs.status).toEqual({ state: 'waitingForResourceConfiguration' });
}, 30_000);

it('updates the functions in place when their settings change, setting their state back so Nuclio redeploys them', async () => {
  const second = await runStack(inClusterConfig({ functions: { cpu: '2' } }));
  const steps = plan(first, second);
  expect(stepsOf(steps, 'replace')).toEqual([]);
  expect(stepsOf(steps, 'update')).toEqual([
    `${FUNCTION_TYPE}::runtime-functions-codering-node-20-19-0-0123456789ab`,
    `${FUNCTION_TYPE}::runtime-functions-codering-python-3-11-2-3f83798b1ac3`,
  ]);
  for (const fn of second.filter((r) => r.type === FUNCTION_TYPE)) {
    expect(fn.inputs.spec.resources.limits.cpu).toBe('2');
    // Applied with force: the controller, which owns the field by now, is overruled and redeploys.
    expect(fn.inputs.status).toEqual({ state: 'waitingForResourceConfiguration' });
    expect(fn.inputs.metadata.annotations['pulumi.com/patchForce']).toBe('true');
  }
}, 30_000);

it('redeploys every function, and nothing else, when functions.redeploy changes', async () => {
  const second = await runStack(inClusterConfig({ functions: { redeploy: 'retry-1' } }));
  const steps = plan(first, second);
  expect(stepsOf(steps, 'update')).toHaveLength(2);
  expect(stepsOf(steps, 'update').every((k) => k.startsWith(FUNCTION_TYPE))).toBe(true);
  expect(stepsOf(steps, 'replace')).toEqual([]);
  for (const fn of second.filter((r) => r.type === FUNCTION_TYPE)) {
    expect(fn.inputs.metadata.annotations['codering.org/redeploy']).toBe('retry-1');
  }
}, 30_000);

it('gives a runtime image with new content a new function next to the old one, not an in-place change of name', async () => {
  const [python, node] = RUNTIMES as [(typeof RUNTIMES)[number], (typeof RUNTIMES)[number]];
  const second = await runStack(inClusterConfig({ runtimes: [{ ...python, image: 'codering/python:3.11.2-00000000beef' }, node] }));
  const steps = plan(first, second);
  expect(stepsOf(steps, 'replace')).toEqual([]);
  expect(stepsOf(steps, 'create')).toContain(`${FUNCTION_TYPE}::runtime-functions-codering-python-3-11-2-00000000beef`);
  expect(stepsOf(steps, 'delete')).toContain(`${FUNCTION_TYPE}::runtime-functions-codering-python-3-11-2-3f83798b1ac3`);
  expect(steps.get(`${FUNCTION_TYPE}::runtime-functions-codering-node-20-19-0-0123456789ab`)).toBe('same');
}, 30_000);
