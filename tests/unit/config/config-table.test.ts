import {
  CONFIG_VARIABLES,
  ConfigError,
  configEnvLines,
  configValue,
  DEFAULT_CONFIG,
  formatValue,
  loadConfig,
  variableFor,
} from '../../../config';
import { loadFactoryConfig } from '../../../factory';
import { LOCAL_PLATFORM_DEFAULTS } from '../../../registry-api/platform/local';

function errorOf(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the table of CODERING_* variables', () => {
  test('names are unique and each sets a field of its own', () => {
    const names = CONFIG_VARIABLES.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => /^CODERING_[A-Z0-9_]+$/.test(name))).toBe(true);
    const pointers = CONFIG_VARIABLES.map((variable) => variable.pointer);
    expect(new Set(pointers).size).toBe(pointers.length);
    for (const variable of CONFIG_VARIABLES) {
      expect(variableFor(variable.pointer)).toBe(variable);
      expect(variable.meaning.length).toBeGreaterThan(0);
    }
  });

  test('the defaults object is the table, and the loader with no variable gives it back', () => {
    const loaded = loadConfig({});
    expect(loaded).toEqual(DEFAULT_CONFIG);
    for (const variable of CONFIG_VARIABLES.filter((v) => !v.secret)) {
      expect([variable.name, configValue(loaded, variable.name)]).toEqual([variable.name, formatValue(variable.default)]);
    }
    expect(Object.isFrozen(loaded.factory)).toBe(true);
    expect(Object.isFrozen(loaded.bench)).toBe(true);
  });

  test('the documented defaults: one warm floor, one acquire wait, one cancel grace, one engine deadline', () => {
    expect(DEFAULT_CONFIG.warmFloor).toBe(2);
    expect(DEFAULT_CONFIG.acquireTimeoutMs).toBe(15_000);
    expect(DEFAULT_CONFIG.cancelGraceMs).toBe(2000);
    expect(DEFAULT_CONFIG.factory.engineTimeoutMs).toBe(30_000);
    expect(DEFAULT_CONFIG.factory.registry).toBe('127.0.0.1:5000');
    expect(DEFAULT_CONFIG.bench.quick).toBe(false);
    // The local platform has no defaults of its own: they are these.
    expect(LOCAL_PLATFORM_DEFAULTS).toEqual({
      warmFloor: 2,
      maxWorkers: DEFAULT_CONFIG.maxWorkers,
      workersMemoryBytes: DEFAULT_CONFIG.workersMemoryBytes,
      workersPerImageMax: DEFAULT_CONFIG.workersPerImageMax,
      maxRunning: DEFAULT_CONFIG.maxRunning,
      idleTtlMs: DEFAULT_CONFIG.idleTtlMs,
      demandWindowMs: DEFAULT_CONFIG.demandWindowMs,
      queueMax: DEFAULT_CONFIG.queueMax,
      acquireTimeoutMs: 15_000,
      graceMs: DEFAULT_CONFIG.runMarginMs - 1000,
      cancelGraceMs: 2000,
      cleanBudgetMs: DEFAULT_CONFIG.cleanBudgetMs,
    });
  });
});

describe('loadConfig, one loader for every part', () => {
  test('reads the factory and bench variables as well as the API ones', () => {
    const config = loadConfig({
      CODERING_ENGINE_TIMEOUT_MS: '5000',
      CODERING_REGISTRY: 'registry.example.org:443',
      CODERING_BENCH_QUICK: '1',
      CODERING_WARM_FLOOR: '3',
    });
    expect(config.factory.engineTimeoutMs).toBe(5000);
    expect(config.factory.registry).toBe('registry.example.org:443');
    expect(config.bench.quick).toBe(true);
    expect(config.warmFloor).toBe(3);
  });

  test('an unknown CODERING_* variable (a typo) stops start-up, naming it', () => {
    const error = errorOf(() => loadConfig({ CODERING_POOL_SIZ: '3' }));
    expect(error.variable).toBe('CODERING_POOL_SIZ');
    expect(error.message).toMatch(/CODERING_POOL_SIZ is not a codering variable/);
  });

  test("the tests' own markers and other programs' variables are not configuration", () => {
    expect(() => loadConfig({ CODERING_TEST_HOST_SECRET: 'x', PORT: '1', DOCKER_HOST: 'unix:///x' })).not.toThrow();
  });

  test.each([
    ['CODERING_ENGINE_TIMEOUT_MS', 'soon', /CODERING_ENGINE_TIMEOUT_MS="soon" must be a non-negative integer/],
    ['CODERING_ENGINE_TIMEOUT_MS', '10', /CODERING_ENGINE_TIMEOUT_MS \(\/factory\/engineTimeoutMs\) must be >= 100/],
    ['CODERING_REGISTRY', 'http://r.example.org', /CODERING_REGISTRY \(\/factory\/registry\) must match pattern/],
    ['CODERING_REGISTRY_SCHEME', 'ftp', /CODERING_REGISTRY_SCHEME/],
    ['CODERING_FACTORY_BUILD_CONCURRENCY', '17', /CODERING_FACTORY_BUILD_CONCURRENCY/],
    ['CODERING_NUCLIO_PROCESSOR_VERSION', 'latest', /CODERING_NUCLIO_PROCESSOR_VERSION/],
    ['CODERING_BENCH_QUICK', 'yes', /CODERING_BENCH_QUICK="yes" must be 0 or 1/],
    ['CODERING_DEBIAN_MIRROR', 'deb.debian.org', /CODERING_DEBIAN_MIRROR/],
  ])('a malformed %s=%s stops start-up, naming the variable', (name, value, message) => {
    const error = errorOf(() => loadConfig({ [name]: value }));
    expect(error.variable).toBe(name);
    expect(error.message).toMatch(message);
  });

  test("the factory's view derives what depends on the machine, and fails the same way", () => {
    expect(loadFactoryConfig({ CODERING_REGISTRY: 'localhost:5000' }).registryScheme).toBe('http');
    expect(loadFactoryConfig({ CODERING_REGISTRY: 'r.example.org' }).registryScheme).toBe('https');
    expect(loadFactoryConfig({ CODERING_REGISTRY: 'r.example.org', CODERING_REGISTRY_SCHEME: 'http' }).registryScheme).toBe('http');
    expect(loadFactoryConfig({ CODERING_BUILD_CA: 'none' }).buildCa).toBeNull();
    expect(errorOf(() => loadFactoryConfig({ CODERING_BUILD_TIMEOUT_MS: '5' })).variable).toBe('CODERING_BUILD_TIMEOUT_MS');
  });
});

describe('codering config, as the scripts read it', () => {
  test('get prints a value as its variable would be written', () => {
    const config = loadConfig({});
    expect(configValue(config, 'CODERING_DEFAULT_RUNTIMES')).toBe('python@latest,node@latest,php@latest');
    expect(configValue(config, 'CODERING_BENCH_QUICK')).toBe('0');
    expect(configValue(config, 'CODERING_REGISTRY_SCHEME')).toBe('');
    expect(configValue(loadConfig({ CODERING_DATA_DIR: '/srv/x' }), 'CODERING_DATA_DIR')).toBe('/srv/x');
  });

  test('an unknown variable and a secret are refused, by name', () => {
    const config = loadConfig({ CODERING_REGISTRY_PASSWORD: 'hunter2' });
    expect(errorOf(() => configValue(config, 'CODERING_NOPE')).variable).toBe('CODERING_NOPE');
    expect(errorOf(() => configValue(config, 'CODERING_REGISTRY_PASSWORD')).message).toMatch(/secret/);
    const lines = configEnvLines(config);
    expect(lines.join('\n')).not.toMatch(/hunter2|CODERING_REGISTRY_PASSWORD/);
    expect(lines).toContain("CODERING_PORT='8080'");
  });
});
