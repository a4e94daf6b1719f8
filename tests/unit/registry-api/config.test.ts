import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../../registry-api/config';

describe('loadConfig', () => {
  test('defaults suit one small machine and are frozen', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.platform).toBe('local');
    expect(config.warmFloor).toBe(2);
    expect(config.pairMaxInFlight).toBeGreaterThanOrEqual(1);
    expect(config.raceMode).toBe('pair');
    expect(config.defaultRuntimes).toEqual(['python@latest', 'node@latest', 'php@latest']);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.maxLimits)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    // The defaults object itself is never mutated by a load.
    expect(DEFAULT_CONFIG.port).toBe(8080);
  });

  test('reads CODERING_* variables, and only those', () => {
    const config = loadConfig({
      CODERING_PORT: '9090',
      CODERING_PLATFORM: 'nuclio',
      CODERING_DEFAULT_RUNTIMES: 'python@3.11, node@20 ,',
      CODERING_WARM_FLOOR: '3',
      CODERING_RACE_MODE: 'hedged',
      CODERING_MAX_WALL_MS: '30000',
      CODERING_DEFAULT_WALL_MS: '2000',
      CODERING_NUCLIO_NAMESPACE: 'runs',
      PORT: '1234',
    });
    expect(config.port).toBe(9090);
    expect(config.platform).toBe('nuclio');
    expect(config.defaultRuntimes).toEqual(['python@3.11', 'node@20']);
    expect(config.warmFloor).toBe(3);
    expect(config.raceMode).toBe('hedged');
    expect(config.maxLimits.wallMs).toBe(30000);
    expect(config.defaultLimits.wallMs).toBe(2000);
    expect(config.nuclio.namespace).toBe('runs');
  });

  test.each([
    ['CODERING_PORT', 'eighty', /CODERING_PORT="eighty" must be a non-negative integer/],
    ['CODERING_PORT', '70000', /CODERING_PORT \(\/port\) must be <= 65535/],
    ['CODERING_PLATFORM', 'k8s', /CODERING_PLATFORM \(\/platform\) must be equal to one of the allowed values: local, nuclio$/],
    ['CODERING_PREBUILD', 'everything', /^CODERING_PREBUILD \(\/prebuild\) must be equal to one of the allowed values: all, default, none$/],
    ['CODERING_PREBUILD', 'ALL', /CODERING_PREBUILD/],
    ['CODERING_RACE_MODE', 'triple', /CODERING_RACE_MODE/],
    ['CODERING_WARM_FLOOR', '0', /CODERING_WARM_FLOOR \(\/warmFloor\) must be >= 1/],
    ['CODERING_MAX_MEMORY_BYTES', '-5', /CODERING_MAX_MEMORY_BYTES/],
    ['CODERING_NUCLIO_DASHBOARD_URL', 'ftp://x', /CODERING_NUCLIO_DASHBOARD_URL/],
    ['CODERING_AUTH', 'open', /^CODERING_AUTH \(\/auth\) must be equal to one of the allowed values: required, run-open$/],
    ['CODERING_AUTH', 'REQUIRED', /CODERING_AUTH/],
    ['CODERING_CORS_ORIGINS', 'https://learn.example.org/', /CODERING_CORS_ORIGINS \(\/corsOrigins\/0\) must match pattern/],
    ['CODERING_CORS_ORIGINS', 'https://ok.example,learn.example.org', /CODERING_CORS_ORIGINS \(\/corsOrigins\/1\)/],
    ['CODERING_RATE_LIMIT_PER_MINUTE', 'many', /CODERING_RATE_LIMIT_PER_MINUTE="many" must be a non-negative integer/],
    ['CODERING_KEY_MAX_IN_FLIGHT', '5000', /CODERING_KEY_MAX_IN_FLIGHT \(\/keyMaxInFlight\) must be <= 4096/],
    ['CODERING_SOCKET_FIRST_MESSAGE_MS', '10s', /CODERING_SOCKET_FIRST_MESSAGE_MS="10s" must be a non-negative integer/],
    ['CODERING_SOCKET_FIRST_MESSAGE_MS', '0', /CODERING_SOCKET_FIRST_MESSAGE_MS \(\/socketFirstMessageMs\) must be >= 100/],
    ['CODERING_SOCKET_FIRST_MESSAGE_MS', '99', /CODERING_SOCKET_FIRST_MESSAGE_MS \(\/socketFirstMessageMs\) must be >= 100/],
    ['CODERING_SOCKET_FIRST_MESSAGE_MS', '600001', /CODERING_SOCKET_FIRST_MESSAGE_MS \(\/socketFirstMessageMs\) must be <= 600000/],
    ['CODERING_SOCKET_PING_MS', '-1', /CODERING_SOCKET_PING_MS="-1" must be a non-negative integer/],
    ['CODERING_SOCKET_PING_MS', '1', /CODERING_SOCKET_PING_MS \(\/socketPingMs\) must be >= 100/],
    ['CODERING_SOCKET_PING_MS', '99', /CODERING_SOCKET_PING_MS \(\/socketPingMs\) must be >= 100/],
    ['CODERING_SOCKET_PING_MS', '600001', /CODERING_SOCKET_PING_MS \(\/socketPingMs\) must be <= 600000/],
  ])('a bad %s=%s stops start-up, naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).variable).toBe(name);
  });

  test('CODERING_PREBUILD: default unless set, and each of its three values', () => {
    expect(loadConfig({}).prebuild).toBe('default');
    for (const mode of ['all', 'default', 'none'] as const) expect(loadConfig({ CODERING_PREBUILD: mode }).prebuild).toBe(mode);
    expect(() => loadConfig({}, { prebuild: 'some' as 'all' })).toThrow(/must be equal to one of the allowed values: all, default, none/);
  });

  test('CODERING_AUTH: run-open unless set, and each of its two values; limits and CORS origins', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ auth: 'run-open', rateLimitPerMinute: 600, keyMaxInFlight: 16, corsOrigins: [] });
    for (const mode of ['required', 'run-open'] as const) expect(loadConfig({ CODERING_AUTH: mode }).auth).toBe(mode);
    expect(() => loadConfig({}, { auth: 'none' as 'required' })).toThrow(/must be equal to one of the allowed values: required, run-open/);
    const set = loadConfig({
      CODERING_CORS_ORIGINS: 'https://learn.example.org, http://localhost:5173,http://[::1]:8000',
      CODERING_RATE_LIMIT_PER_MINUTE: '0',
      CODERING_KEY_MAX_IN_FLIGHT: '4',
    });
    expect(set).toMatchObject({ corsOrigins: ['https://learn.example.org', 'http://localhost:5173', 'http://[::1]:8000'], rateLimitPerMinute: 0, keyMaxInFlight: 4 });
    expect(loadConfig({ CODERING_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  test('the WebSocket waits: 10 s for the run request and a ping every 15 s unless set; 0 turns the pings off', () => {
    expect(loadConfig({})).toMatchObject({ socketFirstMessageMs: 10_000, socketPingMs: 15_000 });
    expect(loadConfig({ CODERING_SOCKET_FIRST_MESSAGE_MS: '100', CODERING_SOCKET_PING_MS: '100' })).toMatchObject({ socketFirstMessageMs: 100, socketPingMs: 100 });
    expect(loadConfig({ CODERING_SOCKET_FIRST_MESSAGE_MS: '600000', CODERING_SOCKET_PING_MS: '600000' })).toMatchObject({ socketFirstMessageMs: 600_000, socketPingMs: 600_000 });
    expect(loadConfig({ CODERING_SOCKET_PING_MS: '0' }).socketPingMs).toBe(0);
    // the tests' overrides meet the same bounds
    expect(() => loadConfig({}, { socketPingMs: 20 })).toThrow(/\(\/socketPingMs\) must be >= 100/);
    expect(() => loadConfig({}, { socketFirstMessageMs: 0 })).toThrow(/\(\/socketFirstMessageMs\) must be >= 100/);
  });

  test('a default above its maximum is refused, naming both variables', () => {
    expect(() => loadConfig({ CODERING_DEFAULT_WALL_MS: '9000', CODERING_MAX_WALL_MS: '8000' })).toThrow(
      /CODERING_DEFAULT_WALL_MS=9000 is above CODERING_MAX_WALL_MS=8000/,
    );
  });

  test('overrides (for tests and embedding) merge into nested objects and are validated too', () => {
    const config = loadConfig({}, { hedge: { floorMs: 5 }, retries: 0 });
    expect(config.hedge.floorMs).toBe(5);
    expect(config.hedge.defaultDelayMs).toBe(DEFAULT_CONFIG.hedge.defaultDelayMs);
    expect(config.retries).toBe(0);
    expect(() => loadConfig({}, { retries: -1 })).toThrow(ConfigError);
  });
});
