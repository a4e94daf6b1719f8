/**
 * `GET /v1/run/ws` over a real socket (127.0.0.1), on the fake platform: the message schema, a
 * session (run request, stdin, output, result, close), its errors as a message and a 4000 + status
 * close, its limits, who may open one (keys as a subprotocol, origins), and a client that leaves.
 */

import { Type } from '@sinclair/typebox';
import Ajv from 'ajv';
import { socketErrorMessageSchema, socketOutputMessageSchema, socketResultMessageSchema } from '../../../registry-api/contract';
import { parseRunMessage, parseStdinMessage } from '../../../registry-api/streaming';
import { connectWebSocket, WebSocketRefused, type WebSocketConnection } from '../../../registry-api/websocket';
import { bearer, FakePlatform, hello, makeTestApp, type TestApp, waitUntil } from './fakes';

const text = (value: unknown) => ({ data: Buffer.from(JSON.stringify(value)), binary: false });
/** The server's messages as /docs publishes them (the 101's content). */
const serverMessage = new Ajv({ strict: false }).compile(Type.Union([socketOutputMessageSchema, socketResultMessageSchema, socketErrorMessageSchema]));

describe('the message schema', () => {
  test('the first message is a run request, as strict as the body of POST /v1/run', () => {
    expect(parseRunMessage(text(hello))).toEqual(hello);
    expect(() => parseRunMessage(text({ ...hello, timeout: 5 }))).toThrow(expect.objectContaining({ code: 'invalid_request', message: 'message.timeout must NOT have additional properties' }));
    expect(() => parseRunMessage(text({ ...hello, limits: { wallMs: '5' } }))).toThrow(expect.objectContaining({ code: 'invalid_request', message: 'message.limits.wallMs must be integer' }));
    expect(() => parseRunMessage({ data: Buffer.from('{"files": ['), binary: false })).toThrow(expect.objectContaining({ code: 'malformed_json' }));
    expect(() => parseRunMessage({ data: Buffer.from(JSON.stringify(hello)), binary: true })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  test('then stdin messages: data, eof, or both', () => {
    expect(parseStdinMessage(text({ type: 'stdin', data: 'héllo\n' }))).toEqual({ data: Buffer.from('héllo\n'), eof: false });
    expect(parseStdinMessage(text({ type: 'stdin', eof: true }))).toEqual({ data: Buffer.alloc(0), eof: true });
    expect(parseStdinMessage(text({ type: 'stdin', data: 'last', eof: true }))).toEqual({ data: Buffer.from('last'), eof: true });
    for (const wrong of [{ type: 'stdout', data: 'x' }, { type: 'stdin', data: 5 }, { type: 'stdin', eof: 'yes' }, { type: 'stdin', data: 'x', extra: 1 }, ['stdin']]) {
      expect(() => parseStdinMessage(text(wrong))).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    }
  });
});

interface Session {
  connection: WebSocketConnection;
  protocol: string | undefined;
  messages: Record<string, unknown>[];
  closed: Promise<[number, string]>;
  send(message: unknown): void;
}

describe('a session', () => {
  let t: TestApp;
  let url: string;
  afterEach(async () => t.close());

  async function start(overrides: Parameters<typeof makeTestApp>[0] = {}): Promise<void> {
    t = await makeTestApp({ platform: new FakePlatform(), ...overrides });
    url = `${(await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')}/v1/run/ws`;
  }

  async function open(protocols: string[] = ['codering.v1'], headers: Record<string, string> = {}): Promise<Session> {
    const { connection, protocol } = await connectWebSocket(url, { protocols, headers });
    const messages: Record<string, unknown>[] = [];
    connection.onMessage((message) => messages.push(JSON.parse(message.data.toString()) as Record<string, unknown>));
    const closed = new Promise<[number, string]>((resolve) => connection.onClose((code, reason) => resolve([code, reason])));
    return { connection, protocol, messages, closed, send: (message) => connection.send(JSON.stringify(message)) };
  }

  test('stdin in, output out as it comes, then the result and a normal close; stdin sent before a worker waits for it', async () => {
    await start();
    t.platform.acquireDelays = [100];
    t.platform.script({ echoStdin: true });
    const session = await open();
    expect(session.protocol).toBe('codering.v1');
    session.send({ ...hello, mode: 'pair' });
    session.send({ type: 'stdin', data: 'early\n' });
    await waitUntil(() => session.messages.length === 1);
    expect(session.messages).toEqual([{ type: 'stdout', data: 'early\n', phase: 'run' }]);
    session.send({ type: 'stdin', data: 'ça va\n' });
    await waitUntil(() => session.messages.length === 2);
    session.send({ type: 'stdin', eof: true });
    expect(await session.closed).toEqual([1000, 'done']);
    expect(session.messages.map((message) => message.type)).toEqual(['stdout', 'stdout', 'result']);
    expect(session.messages[1]).toEqual({ type: 'stdout', data: 'ça va\n', phase: 'run' });
    expect(session.messages[2]?.result).toMatchObject({ status: 'ok', stdout: 'early\nça va\n', race: { mode: 'single', workers: 1 } });
    expect(session.messages.filter((message) => !serverMessage(message))).toEqual([]);
    expect(t.platform.leases).toEqual([{ workerId: 'w1', released: true, healthy: true }]);
  });

  test('a bad run request is an error message and a 4400 close; nothing runs', async () => {
    await start();
    const session = await open();
    session.send({ runtime: 'python@3', files: [] });
    expect(await session.closed).toEqual([4400, 'invalid_request']);
    expect(session.messages).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'invalid_request', message: 'message.files must NOT have fewer than 1 items' }) }]);
    expect(serverMessage(session.messages[0])).toBe(true);
    expect(serverMessage({ type: 'stdout', data: 'x', encoding: 'hex', phase: 'run' })).toBe(false);
    expect(t.platform.acquireCalls).toBe(0);
  });

  test('a full queue is 4429, a run past the stdin limit (its stdin and the messages together) is 4400 and cancelled', async () => {
    await start({ overrides: { maxStdinBytes: 10 } });
    t.platform.leasesAtOnce = 0;
    t.platform.queueMax = 0;
    const busy = await open();
    busy.send(hello);
    expect(await busy.closed).toEqual([4429, 'queue_full']);
    t.platform.leasesAtOnce = Infinity;
    t.platform.script({ echoStdin: true });
    const session = await open();
    session.send({ ...hello, stdin: '1234' });
    session.send({ type: 'stdin', data: '56789\n' });
    await waitUntil(() => session.messages.length === 1);
    session.send({ type: 'stdin', data: 'x' });
    expect(await session.closed).toEqual([4400, 'invalid_request']);
    expect(session.messages.at(-1)).toEqual({ type: 'error', error: expect.objectContaining({ message: expect.stringMatching(/stdin is larger than 10 bytes/) }) });
    await waitUntil(() => t.platform.leases.every((lease) => lease.released));
    expect(t.platform.aborts).toEqual(['w1']);
  });

  test('a client that goes away cancels the run and frees its worker', async () => {
    await start();
    t.platform.script({ hang: true, chunks: [{ data: 'tick\n', atMs: 5 }] });
    const session = await open();
    session.send(hello);
    await waitUntil(() => session.messages.length === 1);
    session.connection.terminate();
    await waitUntil(() => t.platform.leases.every((lease) => lease.released));
    expect(t.platform.aborts).toEqual(['w1']);
  });

  test('an upgrade meets the keys: none where one is needed is 401; one as a subprotocol or a header opens', async () => {
    await start({ overrides: { auth: 'required' } });
    const refused = await open().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WebSocketRefused);
    expect((refused as WebSocketRefused).status).toBe(401);
    const { secret } = t.keys.create({ scopes: ['run'], name: 'browser' });
    const wrong = await open(['codering.v1', 'codering.bearer.cdr_000000000000_nope']).catch((error: unknown) => error);
    expect((wrong as WebSocketRefused).status).toBe(401);
    for (const session of [await open(['codering.v1', `codering.bearer.${secret}`]), await open(['codering.v1'], bearer(secret))]) {
      expect(session.protocol).toBe('codering.v1');
      session.connection.close();
      await session.closed;
    }
  });

  test('a page of an origin CORS does not allow is refused (no preflight guards a WebSocket)', async () => {
    await start({ overrides: { corsOrigins: ['https://school.example'] } });
    const refused = await open(['codering.v1'], { origin: 'https://evil.example' }).catch((error: unknown) => error);
    expect((refused as WebSocketRefused).status).toBe(403);
    const allowed = await open(['codering.v1'], { origin: 'https://school.example' });
    allowed.connection.close();
    await allowed.closed;
  });

  test('a plain GET is told to upgrade (426); an unknown path upgraded is a 404 and the socket ends', async () => {
    await start();
    const plain = await fetch(url.replace(/^ws/, 'http'));
    expect(plain.status).toBe(426);
    expect(plain.headers.get('upgrade')).toBe('websocket');
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('upgrade_required');
    const unknown = await connectWebSocket(url.replace('/v1/run/ws', '/v1/nope')).catch((error: unknown) => error);
    expect((unknown as WebSocketRefused).status).toBe(404);
  });

  test('the app closes with a session open: the session is told the server goes away', async () => {
    await start();
    t.platform.script({ hang: true });
    const session = await open();
    session.send(hello);
    await waitUntil(() => t.platform.leases.length === 1);
    await t.app.close();
    expect((await session.closed)[0]).toBe(1001);
  });
});
