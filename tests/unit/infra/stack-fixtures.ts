/**
 * A stack configuration as an operator would write it (in-cluster registry, the API built here), and
 * running the whole program under mocks in a module registry of its own, so a test can run it twice.
 */

import type { RecordedResource } from './pulumi-mocks';

export const PASSWORD = 's3cret-registry-password';
export const HTPASSWD = 'codering:$2y$05$0123456789abcdefghijkuvwxyzABCDEFGHIJKLMNOPQRSTUV';
export const DASHBOARD_TOKEN = 'dashboard-token-0123456789abcdefghijklmnopqrstuvwxyz';
export const SECRET_KEYS = ['registryPassword', 'registryHtpasswd', 'dashboardToken'];

/** What `codering build` printed for two runtimes (one with the host it was pushed to), and their Nuclio contexts. */
export const RUNTIMES = [
  { id: 'python@3.11.2', image: 'codering/python:3.11.2-3f83798b1ac3', context: 'build/nuclio/python-3.11.2', dockerfile: 'Dockerfile' },
  {
    id: 'node@20.19.0',
    image: '127.0.0.1:5000/codering/node:20.19.0-0123456789ab',
    context: 'build/nuclio/node-20.19.0',
    dockerfile: 'Dockerfile',
  },
];

export const API_BUILD = { context: 'build/api', dockerfile: 'Dockerfile', tag: '0.1.0-abcdef012345' };

export const MAX_LIMITS = { wallMs: 20_000, compileWallMs: 60_000, memoryBytes: 512 * 1024 * 1024 };

export function inClusterConfig(overrides: Record<string, unknown> = {}): Record<string, string> {
  const values: Record<string, unknown> = {
    registryPassword: PASSWORD,
    registryHtpasswd: HTPASSWD,
    dashboardToken: DASHBOARD_TOKEN,
    runtimes: RUNTIMES,
    maxLimits: MAX_LIMITS,
    api: { build: API_BUILD },
    ...overrides,
  };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** The program run once, from a fresh module registry (a fresh Pulumi runtime and fresh mocks). */
export async function runStack(config: Record<string, string>, secretKeys: string[] = SECRET_KEYS): Promise<RecordedResource[]> {
  let resources: RecordedResource[] = [];
  await jest.isolateModulesAsync(async () => {
    const mocks = await import('./pulumi-mocks');
    resources = mocks.installMocks(config, secretKeys);
    await import('../../../infra/main');
    await mocks.settled(resources);
  });
  return resources;
}

export const ofType = (resources: RecordedResource[], type: string): RecordedResource[] => resources.filter((r) => r.type === type);

export function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) throw new Error(`no ${type} ${name}`);
  return found;
}

export const FUNCTION_TYPE = 'kubernetes:nuclio.io/v1beta1:NuclioFunction';

/** `[{name, value}]` as an object (values of `valueFrom` entries are undefined). */
export function envOf(container: { env: { name: string; value?: string }[] }): Record<string, string | undefined> {
  return Object.fromEntries(container.env.map((e) => [e.name, e.value]));
}
