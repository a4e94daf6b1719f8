import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_SETTINGS, readInfraConfig } from '../../../infra';
import { PROJECT, installMocks } from './pulumi-mocks';
import { API_BUILD, DASHBOARD_TOKEN, RUNTIMES, SECRET_KEYS } from './stack-fixtures';

function configWith(values: Record<string, string>, secretKeys: string[] = SECRET_KEYS) {
  installMocks(values, secretKeys);
  return readInfraConfig(new pulumi.Config(PROJECT));
}

const secrets = { registryPassword: 'p', registryHtpasswd: 'codering:$2y$05$x', dashboardToken: DASHBOARD_TOKEN };
const base = { ...secrets, api: JSON.stringify({ build: API_BUILD }) };
const runtimes = (list: unknown[]) => JSON.stringify(list);

describe('readInfraConfig', () => {
  it('fills defaults and keeps credentials secret', async () => {
    const config = configWith(base);
    expect(config.namespace).toBe(DEFAULT_SETTINGS.namespace);
    expect(config.registry).toEqual(DEFAULT_SETTINGS.registry);
    expect(config.metricsServer).toBe(false);
    expect(config.functions).toMatchObject({ minReplicas: 2, maxReplicas: null, readinessTimeoutSeconds: 600 });
    expect(await pulumi.isSecret(config.registryPassword)).toBe(true);
    expect(await pulumi.isSecret(config.dashboardToken)).toBe(true);
  });

  it('overlays one level of objects', () => {
    const config = configWith({ ...base, functions: JSON.stringify({ minReplicas: 3 }) });
    expect(config.functions).toMatchObject({ minReplicas: 3, maxReplicas: null, cpu: '1' });
  });

  it('rejects a misspelled key and bad values', () => {
    expect(() => configWith({ ...base, registry: JSON.stringify({ pushserver: 'x' }) })).toThrow(/must NOT have additional properties/);
    expect(() => configWith({ ...base, runtimes: runtimes([{ ...RUNTIMES[0], id: 'python' }]) })).toThrow(/runtimes\/0\/id/);
    expect(() => configWith({ ...base, functions: JSON.stringify({ minReplicas: 1 }) })).toThrow(/minReplicas/);
    expect(() => configWith({ ...base, functions: JSON.stringify({ readinessTimeoutSeconds: 10 }) })).toThrow(/readinessTimeoutSeconds/);
  });

  it('takes only content-tagged runtime images of the runtime named', () => {
    expect(configWith({ ...base, runtimes: runtimes(RUNTIMES) }).runtimes).toHaveLength(2);
    for (const image of ['codering/python:3.11.2', 'codering/python:3.11.3-3f83798b1ac3', 'codering/node:3.11.2-3f83798b1ac3', 'python:3.11.2-3f83798b1ac3']) {
      expect(() => configWith({ ...base, runtimes: runtimes([{ ...RUNTIMES[0], image }]) })).toThrow(/content-tagged runtime image/);
    }
  });

  it('lets functions autoscale only with the metrics server', () => {
    const autoscaled = JSON.stringify({ minReplicas: 2, maxReplicas: 4 });
    expect(() => configWith({ ...base, functions: autoscaled })).toThrow(/metricsServer/);
    expect(configWith({ ...base, functions: autoscaled, metricsServer: 'true' }).functions.maxReplicas).toBe(4);
    expect(() => configWith({ ...base, functions: JSON.stringify({ minReplicas: 4, maxReplicas: 2 }), metricsServer: 'true' })).toThrow(
      /above functions.maxReplicas/,
    );
  });

  it('wants the API`s image from the factory or its context, one of them, pinned', () => {
    expect(() => configWith(secrets)).toThrow(/api.image .* or api.build/);
    expect(() => configWith({ ...secrets, api: JSON.stringify({ image: 'r.example.org/codering/api:1', build: API_BUILD }) })).toThrow(/one of them/);
    expect(configWith({ ...secrets, api: JSON.stringify({ image: 'r.example.org/codering/api:0.1.0-abcdef012345' }) }).api.image).toBeDefined();
    expect(() => configWith({ ...secrets, api: JSON.stringify({ image: 'r.example.org/codering/api:latest' }) })).toThrow(/codering\/api:<content tag>/);
    expect(() => configWith({ ...secrets, api: JSON.stringify({ image: 'r.example.org/codering/registry-api:1' }) })).toThrow(/codering\/api/);
  });

  it('needs the htpasswd only for an in-cluster registry, and always the dashboard`s token', () => {
    const { registryHtpasswd: _htpasswd, ...withoutHtpasswd } = base;
    expect(() => configWith(withoutHtpasswd, ['registryPassword', 'dashboardToken'])).toThrow(/registryHtpasswd/);
    const external = configWith(
      {
        registryPassword: 'p',
        dashboardToken: DASHBOARD_TOKEN,
        api: base.api,
        registry: JSON.stringify({ mode: 'external', pushServer: 'r.example.org', pullServer: 'r.example.org' }),
      },
      ['registryPassword', 'dashboardToken'],
    );
    expect(external.registryHtpasswd).toBeUndefined();
    expect(() => configWith({ registryPassword: 'p', registryHtpasswd: 'h', api: base.api }, ['registryPassword', 'registryHtpasswd'])).toThrow(
      /dashboardToken/,
    );
  });
});

describe('Pulumi.example.yaml', () => {
  it('is a valid stack configuration', () => {
    const file = parse(readFileSync(join(__dirname, '../../../Pulumi.example.yaml'), 'utf8')) as { config: Record<string, unknown> };
    const values = Object.fromEntries(
      Object.entries(file.config).map(([key, value]) => [key.replace(`${PROJECT}:`, ''), typeof value === 'string' ? value : JSON.stringify(value)]),
    );
    const config = configWith({ ...values, ...secrets });
    expect(config.runtimes.map((runtime) => runtime.id)).toEqual(['python@3.11.2', 'node@20.19.0']);
    expect(config.api.build).not.toBeNull();
  });
});
