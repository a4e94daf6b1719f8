import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_SETTINGS, readInfraConfig } from '../../../infra';
import { PROJECT, installMocks } from './pulumi-mocks';

function configWith(values: Record<string, string>, secretKeys: string[] = ['registryPassword', 'registryHtpasswd']) {
  installMocks(values, secretKeys);
  return readInfraConfig(new pulumi.Config(PROJECT));
}

const secrets = { registryPassword: 'p', registryHtpasswd: 'codering:$2y$05$x' };

describe('readInfraConfig', () => {
  it('fills defaults and keeps credentials secret', async () => {
    const config = configWith(secrets);
    expect(config.namespace).toBe(DEFAULT_SETTINGS.namespace);
    expect(config.registry).toEqual(DEFAULT_SETTINGS.registry);
    expect(await pulumi.isSecret(config.registryPassword)).toBe(true);
  });

  it('overlays one level of objects', () => {
    const config = configWith({ ...secrets, functions: JSON.stringify({ minReplicas: 3, maxReplicas: 6 }) });
    expect(config.functions).toEqual({ minReplicas: 3, maxReplicas: 6, cpu: '1' });
  });

  it('rejects a misspelled key and bad values', () => {
    expect(() => configWith({ ...secrets, registry: JSON.stringify({ pushserver: 'x' }) })).toThrow(/must NOT have additional properties/);
    expect(() => configWith({ ...secrets, runtimes: JSON.stringify([{ id: 'python', context: 'x', dockerfile: 'D' }]) })).toThrow(
      /runtimes\/0\/id/,
    );
    expect(() => configWith({ ...secrets, functions: JSON.stringify({ minReplicas: 5, maxReplicas: 2 }) })).toThrow(/minReplicas/);
  });

  it('needs the htpasswd only for an in-cluster registry', () => {
    expect(() => configWith({ registryPassword: 'p' }, ['registryPassword'])).toThrow(/registryHtpasswd/);
    const external = configWith(
      { registryPassword: 'p', registry: JSON.stringify({ mode: 'external', pushServer: 'r.example.org', pullServer: 'r.example.org' }) },
      ['registryPassword'],
    );
    expect(external.registryHtpasswd).toBeUndefined();
  });
});
