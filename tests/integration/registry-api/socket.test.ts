/**
 * The API over a real socket (127.0.0.1, an ephemeral port) with the real SQLite file, on the fake
 * platform: what `inject` cannot show — headers on the wire, a client that hangs up mid-run, a
 * WebSocket client that never sends its run request or stops answering pings.
 */

import type { ConfigOverrides } from '../../../registry-api/config';
import type { ConnectOptions } from '../../../registry-api/websocket';
import { captureLog, FakePlatform, hello, makeTestApp, type LogCapture, type TestApp, waitUntil } from '../../unit/registry-api/fakes';
import { openRunSocket, type SocketRun } from '../support';

let t: TestApp;
let base: string;

beforeEach(async () => {
  t = await makeTestApp({ platform: new FakePlatform() });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = address;
});
afterEach(async () => t.close());

/** The app again, with configuration overrides (or a logger) of the test's own. */
async function restart(options: NonNullable<Parameters<typeof makeTestApp>[0]>): Promise<void> {
  await t.close();
  t = await makeTestApp({ platform: new FakePlatform(), ...options });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}

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
  await restart({ overrides: { keyMaxInFlight: 1 } });
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

describe('a WebSocket session: the wait for its run request, and the heartbeat', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** How the session closed, or `open` if it still was after `ms` (a bound for a busy machine). */
  async function closing(closed: Promise<[number, string]>, ms: number): Promise<[number, string] | 'open'> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), ms)));
    try {
      return await Promise.race([closed, bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  test('no run request within CODERING_SOCKET_FIRST_MESSAGE_MS: an invalid_request error and a 4400 close; nothing runs', async () => {
    await restart({ overrides: { socketFirstMessageMs: 300 } });
    const opening = performance.now();
    const session = await openRunSocket(base);
    // long before the default 10 s, and not before the configured wait (a timer may fire a little early)
    expect(await closing(session.closed, 4000)).toEqual([4400, 'invalid_request']);
    expect(performance.now() - opening).toBeGreaterThan(250);
    expect(session.messages.map((message) => message.data)).toEqual([
      { type: 'error', error: expect.objectContaining({ code: 'invalid_request', message: 'no run request within 300 ms of opening' }) },
    ]);
    expect(t.platform.acquireCalls).toBe(0);
  });

  /** An app with `overrides`, and a session on it whose run echoes stdin: `first` went in and came back out. */
  async function echoing(overrides: ConfigOverrides, first: string, connect: ConnectOptions = {}, logger?: LogCapture): Promise<SocketRun> {
    await restart({ overrides, ...(logger === undefined ? {} : { logger: logger.logger }) });
    t.platform.script({ echoStdin: true });
    const session = await openRunSocket(base, connect);
    session.send(hello);
    session.send({ type: 'stdin', data: first });
    await session.next((message) => message.type === 'stdout');
    return session;
  }

  /** The last of stdin and its end: the run answers with all of it and the session closes normally. */
  async function expectAnswered(session: SocketRun, last: string, stdout: string): Promise<void> {
    session.send({ type: 'stdin', data: last, eof: true });
    expect(await session.closed).toEqual([1000, 'done']);
    expect(session.messages.map((message) => message.type)).toEqual(['stdout', 'stdout', 'result']);
    expect(session.messages[2]?.data.result).toMatchObject({ status: 'ok', stdout });
  }

  test('a run request in time: the session outlives that wait, its run takes stdin and answers', async () => {
    const session = await echoing({ socketFirstMessageMs: 300 }, 'first\n');
    await sleep(3 * 300);
    await expectAnswered(session, 'second\n', 'first\nsecond\n');
  });

  test('a client that stops answering pings is dropped within about two intervals: its run is cancelled, its worker freed', async () => {
    const log = captureLog('info');
    // ws answers pings by itself; this client does not, as one whose laptop was shut. Its run is
    // under way, waiting for more stdin that will never come.
    const session = await echoing({ socketPingMs: 200 }, 'anyone?\n', { autoPong: false }, log);
    expect(t.platform.leases).toEqual([{ workerId: 'w1', released: false }]);
    // dropped: no closing handshake, so no code of the server's; two intervals are 400 ms, the bound is for a busy machine
    expect(await closing(session.closed, 4000)).toEqual([1006, '']);
    await waitUntil(() => t.platform.leases.every((lease) => lease.released));
    expect(t.platform.aborts).toEqual(['w1']);
    expect(log.lines.filter((line) => /answered no ping/.test(line.msg))).toHaveLength(1);
  });

  test('a client that answers pings keeps its session across several intervals while its run waits for stdin', async () => {
    const session = await echoing({ socketPingMs: 200 }, 'one\n');
    await sleep(6 * 200);
    expect(session.connection.open).toBe(true);
    expect(t.platform.leases).toEqual([{ workerId: 'w1', released: false }]);
    await expectAnswered(session, 'two\n', 'one\ntwo\n');
    expect(t.platform.aborts).toEqual([]);
  });
});
