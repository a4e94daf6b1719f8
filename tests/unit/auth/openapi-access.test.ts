/** The access policy as the OpenAPI document at /docs/json publishes it. */

import { DEFAULT_CONFIG, type AuthMode } from '../../../config';
import { makeTestApp, type TestApp } from '../registry-api/fakes';

let t: TestApp;
afterEach(async () => t?.close());

interface Operation {
  description?: string;
  security?: Record<string, string[]>[];
  'x-codering-scope'?: string;
  responses: Record<string, { description: string; headers?: Record<string, { description?: string; schema: { type: string } }> }>;
}
type Document = { components: { securitySchemes: Record<string, { type: string; scheme: string; description: string }> }; paths: Record<string, Record<string, Operation>> };

async function documentFor(auth: AuthMode): Promise<Document> {
  t = await makeTestApp({ overrides: { auth } });
  return (await t.app.inject({ url: '/docs/json' })).json();
}

test('the bearer scheme, and on each route the scope it needs with its 401, 403 and 429 answers and their headers', async () => {
  const document = await documentFor('run-open');
  expect(document.components.securitySchemes.bearerKey).toMatchObject({ type: 'http', scheme: 'bearer', description: expect.stringContaining('CODERING_AUTH=run-open') });
  const scopes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => `${method.toUpperCase()} ${path}: ${operation['x-codering-scope'] ?? 'open'}`),
  );
  expect(scopes.sort()).toEqual(
    [
      'DELETE /v1/keys/{id}: admin',
      'GET /healthz: open',
      'GET /metrics: admin',
      'GET /readyz: open',
      'GET /v1/capacity: admin',
      'GET /v1/images/jobs/{id}/events: build',
      'GET /v1/images/jobs/{id}: build',
      'GET /v1/images/jobs: build',
      'GET /v1/keys: admin',
      'GET /v1/run/ws: run',
      'GET /v1/runtimes/{spec}: run',
      'GET /v1/runtimes: run',
      'POST /v1/images: build',
      'POST /v1/keys: admin',
      'POST /v1/run: run',
    ].sort(),
  );

  const build = document.paths['/v1/images']?.post as Operation;
  expect(build.security).toEqual([{ bearerKey: [] }]);
  expect(build.description).toMatch(/Key: the `build` scope \(or `admin`\)\./);
  expect(build.responses['401']?.headers?.['www-authenticate']).toMatchObject({ schema: { type: 'string' } });
  expect(build.responses['403']?.headers?.['www-authenticate']?.description).toContain('scope="build"');
  expect(Object.keys(build.responses['429']?.headers ?? {}).sort()).toEqual(['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']);
  expect(build.responses['429']?.description).not.toContain('too_many_runs');
  expect(build.responses['202']).toBeDefined();

  // running: the key is optional under run-open, and a run may also be refused for its runs in flight
  const run = document.paths['/v1/run']?.post as Operation;
  expect(run.security).toEqual([{ bearerKey: [] }, {}]);
  expect(run.description).toMatch(/optional: this API runs with CODERING_AUTH=run-open/);
  expect(run.responses['429']?.description).toMatch(/rate_limited.*too_many_runs.*queue_full/);

  const probe = document.paths['/healthz']?.get as Operation;
  expect(probe.security).toBeUndefined();
  expect(probe.responses['401']).toBeUndefined();
});

test('under CODERING_AUTH=required a run needs its key too', async () => {
  const document = await documentFor('required');
  expect(document.paths['/v1/run']?.post?.security).toEqual([{ bearerKey: [] }]);
  expect(document.components.securitySchemes.bearerKey?.description).toContain('CODERING_AUTH=required');
});

test('every error status a route can answer, with its codes from the catalogue and Retry-After where busy', async () => {
  const document = await documentFor('required');
  const run = document.paths['/v1/run']?.post as Operation;
  expect(Object.keys(run.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '426', '429', '500', '501', '502', '503', '504']);
  expect(run.responses['413']?.description).toContain('`payload_too_large`');
  expect(run.responses['413']?.description).toContain('`file_too_large`');
  expect(run.responses['400']?.description).toContain('`limit_exceeds_maximum`: A limit is above the operator maximum');
  expect(run.responses['503']?.description).toContain('`not_ready`');
  expect(run.responses['503']?.headers?.['retry-after']?.schema.type).toBe('integer');
  expect(run.responses['500']?.headers).toBeUndefined();
});

test('the run limits say their unit, their default and their maximum, from the configuration the API runs with', async () => {
  t = await makeTestApp({ overrides: { maxLimits: { ...DEFAULT_CONFIG.maxLimits, wallMs: 12_345 } } });
  const document = (await t.app.inject({ url: '/docs/json' })).json() as {
    paths: Record<string, { post: { requestBody: { content: Record<string, { schema: LimitsHolder }> } } }>;
  };
  const body = document.paths['/v1/run']!.post.requestBody.content['application/json']!.schema;
  for (const limits of [body.properties.limits, body.properties.tests.items.properties.limits]) {
    expect(limits.properties.wallMs).toMatchObject({ default: DEFAULT_CONFIG.defaultLimits.wallMs, maximum: 12_345, description: expect.stringContaining('milliseconds of wall time') });
    expect(limits.properties.memoryBytes).toMatchObject({ default: DEFAULT_CONFIG.defaultLimits.memoryBytes, maximum: DEFAULT_CONFIG.maxLimits.memoryBytes });
    expect(limits.properties.outputBytes?.description).toContain(`at most ${DEFAULT_CONFIG.maxLimits.outputBytes}`);
  }
  // only documented: a run's schema still refuses past the maximum with the executor's own error
  const refused = await t.app.inject({ method: 'POST', url: '/v1/run', payload: { runtime: 'python', files: [{ name: 'main.py', content: 'print(1)' }], limits: { wallMs: 20_000 } } });
  expect(refused.json()).toMatchObject({ error: { code: 'limit_exceeds_maximum' } });
});

test('the WebSocket route says how long it waits for the run request and how often it pings, as configured', async () => {
  const describe = async (overrides: { socketFirstMessageMs: number; socketPingMs: number }): Promise<string> => {
    await t?.close();
    t = await makeTestApp({ overrides });
    const document = (await t.app.inject({ url: '/docs/json' })).json() as Document;
    return document.paths['/v1/run/ws']?.get?.description ?? '';
  };
  const pinging = await describe({ socketFirstMessageMs: 2500, socketPingMs: 700 });
  expect(pinging).toContain('the run request must come within 2500 ms of the handshake');
  expect(pinging).toMatch(/`invalid_request` error and a 4400 close/);
  expect(pinging).toContain('The server pings every 700 ms (`CODERING_SOCKET_PING_MS`)');
  expect(pinging).toMatch(/has not answered a ping\s+\(pong\) by the next one is dropped/);
  const silent = await describe({ socketFirstMessageMs: 2500, socketPingMs: 0 });
  expect(silent).toContain('The server sends no pings (`CODERING_SOCKET_PING_MS=0`)');
  expect(silent).not.toContain('pings every');
});

interface LimitSchema {
  default?: number;
  maximum?: number;
  description?: string;
}
interface LimitsSchema {
  properties: Record<string, LimitSchema | undefined>;
}
interface LimitsHolder {
  properties: { limits: LimitsSchema; tests: { items: { properties: { limits: LimitsSchema } } } };
}
