/**
 * The API over a real socket (127.0.0.1, an ephemeral port) with the real SQLite file, on the fake
 * platform: what `inject` cannot show — headers on the wire, a client that hangs up mid-run.
 */

import { FakePlatform, hello, makeTestApp, type TestApp, waitUntil } from '../../unit/registry-api/fakes';

let t: TestApp;
let base: string;

beforeEach(async () => {
  t = await makeTestApp({ platform: new FakePlatform() });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = address;
});
afterEach(async () => t.close());

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal,
  });

test('a run over HTTP: 200, JSON, the request id echoed', async () => {
  t.platform.script({ delayMs: 5, result: { stdout: 'over the wire\n' } }, { delayMs: 300 });
  const response = await post('/v1/run', hello, { headers: { 'x-request-id': 'socket-1' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe('socket-1');
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  expect(((await response.json()) as { stdout: string }).stdout).toBe('over the wire\n');
});

test('errors on the wire: malformed JSON, wrong media type, unknown route, 429 with Retry-After', async () => {
  expect(((await (await post('/v1/run', '{"files": [')).json()) as { error: { code: string } }).error.code).toBe('malformed_json');
  const media = await fetch(`${base}/v1/run`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'print(1)' });
  expect(media.status).toBe(415);
  expect((await fetch(`${base}/nope`)).status).toBe(404);
  t.platform.leasesAtOnce = 0;
  t.platform.queueMax = 0;
  const busy = await post('/v1/run', hello);
  expect(busy.status).toBe(429);
  expect(busy.headers.get('retry-after')).toBe('2');
});

test('a client that hangs up cancels its run: both workers aborted and released', async () => {
  t.platform.script({ hang: true }, { hang: true });
  const client = new AbortController();
  const pending = post('/v1/run', hello, { signal: client.signal }).then(
    () => 'answered',
    (error: Error) => error.name,
  );
  await waitUntil(() => t.platform.leases.length === 2);
  client.abort();
  expect(await pending).toBe('AbortError');
  await waitUntil(() => t.platform.leases.every((lease) => lease.released));
  expect(t.platform.aborts.sort()).toEqual(['w1', 'w2']);
});

test('a client that hangs up frees its place among its runs in flight at once', async () => {
  await t.close();
  t = await makeTestApp({ platform: new FakePlatform(), overrides: { keyMaxInFlight: 1 } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.platform.script({ hang: true }, { hang: true }, { delayMs: 1 }, { delayMs: 50 });
  const client = new AbortController();
  const pending = post('/v1/run', hello, { signal: client.signal }).catch((error: Error) => error.name);
  await waitUntil(() => t.platform.leases.length === 2);
  expect(((await (await post('/v1/run', hello)).json()) as { error: { code: string } }).error.code).toBe('too_many_runs');
  client.abort();
  expect(await pending).toBe('AbortError');
  // the place is free before the cancelled workers are: the client is gone
  expect((await post('/v1/run', hello)).status).toBe(200);
});

test('a build job over HTTP, with its Location, persisted in the database file', async () => {
  const response = await post('/v1/images', { runtime: 'python@3.11', libraries: ['requests'] }, { headers: t.admin });
  expect(response.status).toBe(202);
  const location = response.headers.get('location') as string;
  await waitUntil(() => t.store.unfinished().length === 0);
  const job = (await (await fetch(`${base}${location}`, { headers: t.admin })).json()) as { state: string };
  expect(job.state).toBe('succeeded');
  const events = await (await fetch(`${base}${location}/events`, { headers: t.admin })).text();
  expect(events).toMatch(/event: job\ndata: .*"state":"succeeded"/);
});

test('OpenAPI and the docs page are served', async () => {
  const spec = (await (await fetch(`${base}/docs/json`)).json()) as { openapi: string };
  expect(spec.openapi).toMatch(/^3\./);
  expect((await fetch(`${base}/docs`)).status).toBeLessThan(400);
});
