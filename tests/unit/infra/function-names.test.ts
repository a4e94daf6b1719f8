/**
 * The one invariant between infra and the API: for every runtime image infra deploys, the function it
 * names is the one the API will call for the content-tagged reference it resolves. The API here is the
 * real thing: its configuration loaded from exactly the environment infra gives its Deployment (an
 * unknown or invalid variable would be refused), and its Nuclio platform asked `functionFor`.
 */

import { loadConfig } from '../../../config';
import { NuclioPlatform, nuclioPlatformOptionsFromConfig } from '../../../registry-api/platform/nuclio';
import type { RecordedResource } from './pulumi-mocks';
import { DASHBOARD_TOKEN, FUNCTION_TYPE, RUNTIMES, inClusterConfig, one, runStack } from './stack-fixtures';

let resources: RecordedResource[] = [];
let platform: NuclioPlatform;
let apiEnv: Record<string, string>;

/** The API container's environment, Secret references filled as the kubelet would. */
function environmentOf(api: RecordedResource): Record<string, string> {
  const secrets: Record<string, string> = { registryUsername: 'codering', registryPassword: 'p', dashboardToken: DASHBOARD_TOKEN };
  const [container] = api.inputs.spec.template.spec.containers;
  return Object.fromEntries(
    (container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[]).map((e) => [
      e.name,
      e.value ?? secrets[e.valueFrom?.secretKeyRef.key ?? ''] ?? '',
    ]),
  );
}

beforeAll(async () => {
  resources = await runStack(inClusterConfig());
  apiEnv = environmentOf(one(resources, 'kubernetes:apps/v1:Deployment', 'registry-api-deployment'));
  platform = new NuclioPlatform(nuclioPlatformOptionsFromConfig(loadConfig(apiEnv)));
}, 30_000);

afterAll(async () => {
  await platform.close();
});

it('gives the API an environment its configuration accepts, on the nuclio platform, with the dashboard`s token', () => {
  const config = loadConfig(apiEnv);
  expect(config.platform).toBe('nuclio');
  expect(config.nuclio.dashboardToken).toBe(DASHBOARD_TOKEN);
  expect(config.nuclio.namespace).toBe('nuclio');
});

it('names every function as NuclioPlatform.functionFor names it for the reference the API resolves', () => {
  const config = loadConfig(apiEnv);
  const functions = resources.filter((r) => r.type === FUNCTION_TYPE);
  expect(functions).toHaveLength(RUNTIMES.length);
  for (const fn of functions) {
    // What the function says it serves (the API reads it through the dashboard), under the registry
    // the API names images with: the reference its image lookup returns.
    const served = fn.inputs.metadata.annotations['codering.org/image'];
    const reference = `${config.factory.registry}/${served}`;
    expect(platform.functionFor(reference)).toEqual({ name: fn.inputs.metadata.name, namespace: fn.inputs.metadata.namespace });
  }
  // And from the references as the operator wrote them, whatever host they carry.
  for (const runtime of RUNTIMES) {
    const fn = functions.find((f) => f.inputs.metadata.annotations['codering.org/runtime-id'] === runtime.id);
    expect(platform.functionFor(runtime.image).name).toBe(fn?.inputs.metadata.name);
  }
});

it('warms exactly the runtimes that have a function', () => {
  const ids = resources.filter((r) => r.type === FUNCTION_TYPE).map((f) => f.inputs.metadata.annotations['codering.org/runtime-id']);
  expect(loadConfig(apiEnv).defaultRuntimes).toEqual(ids);
});
