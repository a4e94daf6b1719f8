/**
 * `POST /v1/run` with `Accept: text/event-stream`, on the fake platform: the SSE framing, the output
 * as text (UTF-8 across chunks, base64 when not), the result as the plain answer, the output limit
 * over streamed bytes, one worker and no replay, and which failures are HTTP answers and which events.
 */

import http from 'node:http';
import { completeLength, OutputChunks, OutputText, serverSentEvent } from '../../../registry-api/streaming';
import { acceptsEventStream } from '../../../registry-api/routes/run-event-stream';
import { contractErrors, FakePlatform, hello, makeTestApp, publishedRunAnswer, type TestApp, waitUntil } from './fakes';

interface Event {
  event: string;
  data: Record<string, unknown>;
}

/** The events of an SSE body, as a client's parser reads them. */
function parseEvents(body: string): Event[] {
  expect(body.endsWith('\n\n')).toBe(true);
  return body
    .split('\n\n')
    .filter((block) => block !== '' && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      expect(lines).toHaveLength(2);
      const [event, data] = lines as [string, string];
      expect(event).toMatch(/^event: [a-z]+$/);
      expect(data).toMatch(/^data: /);
      return { event: event.slice('event: '.length), data: JSON.parse(data.slice('data: '.length)) as Record<string, unknown> };
    });
}

const outputOf = (events: Event[], name: string): string =>
  events
    .filter((event) => event.event === name)
    .map(({ data }) => (data.encoding === 'base64' ? Buffer.from(String(data.data), 'base64').toString('latin1') : String(data.data)))
    .join('');

describe('framing', () => {
  test('an event is its name and one data line of JSON, whatever the text holds', () => {
    expect(serverSentEvent('stdout', { data: 'a\nb\r\nc\u2028' })).toBe('event: stdout\ndata: {"data":"a\\nb\\r\\nc\u2028"}\n\n');
    expect(parseEvents(serverSentEvent('stdout', { data: 'line\n\nevent: forged\n' }))).toEqual([{ event: 'stdout', data: { data: 'line\n\nevent: forged\n' } }]);
  });

  test.each([
    ['text/event-stream', true],
    ['application/json, Text/Event-Stream;q=0.9', true],
    ['text/event-stream; charset=utf-8', true],
    ['application/json', false],
    ['*/*', false],
    [undefined, false],
  ])('Accept %s streams: %s', (accept, streams) => {
    expect(acceptsEventStream(accept)).toBe(streams);
  });
});

describe('output as text', () => {
  test('a character cut between chunks waits for its end; what is not UTF-8 is base64', () => {
    const euro = Buffer.from('€'); // e2 82 ac
    const text = new OutputText();
    expect(text.push(Buffer.concat([Buffer.from('price '), euro.subarray(0, 1)]))).toEqual([{ data: 'price ' }]);
    expect(text.push(euro.subarray(1, 2))).toEqual([]);
    expect(text.push(Buffer.concat([euro.subarray(2), Buffer.from('5\n')]))).toEqual([{ data: '€5\n' }]);
    expect(text.push(Buffer.from([0x61, 0xff, 0x62]))).toEqual([{ data: 'Yf9i', encoding: 'base64' }]);
    expect(text.push(Buffer.from([0xf0, 0x9f]))).toEqual([]);
    expect(text.flush()).toEqual([{ data: '8J8=', encoding: 'base64' }]);
    expect(text.flush()).toEqual([]);
  });

  test('a 4-byte character cut anywhere comes whole', () => {
    const emoji = Buffer.from('a😀b');
    for (let cut = 0; cut <= emoji.length; cut += 1) {
      const text = new OutputText();
      const chunks = [...text.push(emoji.subarray(0, cut)), ...text.push(emoji.subarray(cut)), ...text.flush()];
      expect(chunks.every((chunk) => chunk.encoding === undefined)).toBe(true);
      expect(chunks.map((chunk) => chunk.data).join('')).toBe('a😀b');
    }
    expect(completeLength(Buffer.from([0x61, 0xf0, 0x9f, 0x98]))).toBe(1);
    expect(completeLength(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(4);
  });
});

describe('output chunks of a run, per phase', () => {
  test("each chunk says its phase; a character the compiler left cut goes out before the program's first chunk", () => {
    const chunks = new OutputChunks();
    const euro = Buffer.from('€');
    expect(chunks.push('stderr', Buffer.concat([Buffer.from('warning '), euro.subarray(0, 2)]), 'compile')).toEqual([
      { stream: 'stderr', chunk: { data: 'warning ', phase: 'compile' } },
    ]);
    // the program's own stderr never completes the compiler's character
    expect(chunks.push('stderr', euro.subarray(2), 'run')).toEqual([
      { stream: 'stderr', chunk: { data: euro.subarray(0, 2).toString('base64'), encoding: 'base64', phase: 'compile' } },
      { stream: 'stderr', chunk: { data: euro.subarray(2).toString('base64'), encoding: 'base64', phase: 'run' } },
    ]);
    expect(chunks.push('stdout', Buffer.from('ok\n'), 'run')).toEqual([{ stream: 'stdout', chunk: { data: 'ok\n', phase: 'run' } }]);
    expect(chunks.flush()).toEqual([]);
  });
});

describe('POST /v1/run as events', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  const streamRun = async (body: Record<string, unknown> = hello) =>
    t.app.inject({ method: 'POST', url: '/v1/run', headers: { accept: 'text/event-stream' }, payload: body });

  test('stdout and stderr events in order, then the result: the plain answer, on one worker though a pair was asked', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    t.platform.script({
      delayMs: 60,
      result: { stdout: 'one\ntwo\n', stderr: 'oops\n' },
      chunks: [
        { data: 'one\n', atMs: 10 },
        { stream: 'stderr', data: 'oops\n', atMs: 20 },
        { data: 'two\n', atMs: 30 },
      ],
    });
    const response = await streamRun({ ...hello, mode: 'pair' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-request-id']).toBeDefined();
    const events = parseEvents(response.body);
    expect(events.map((event) => [event.event, event.data.data])).toEqual([
      ['stdout', 'one\n'],
      ['stderr', 'oops\n'],
      ['stdout', 'two\n'],
      ['result', undefined],
    ]);
    const result = (events[3] as Event).data;
    const validate = publishedRunAnswer((await t.app.inject({ url: '/docs/json' })).json());
    expect(contractErrors(validate, result)).toEqual([]);
    expect(result).toMatchObject({ status: 'ok', stdout: 'one\ntwo\n', stderr: 'oops\n', race: { mode: 'single', requested: 'pair', workers: 1 } });
    expect(t.platform.leases).toHaveLength(1);
    expect(events.slice(0, 3).map((event) => event.data.phase)).toEqual(['run', 'run', 'run']);
  });

  test("the compiler's output streams first, as `phase: compile`, then the program's", async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    t.platform.script({
      delayMs: 40,
      result: { stdout: 'ran\n', compile: { exitCode: 0, stdout: '', stderr: 'main.c:1: warning\n', wallMs: 9 } },
      chunks: [
        { stream: 'stderr', phase: 'compile', data: 'main.c:1: warning\n', atMs: 5 },
        { data: 'ran\n', atMs: 20 },
      ],
    });
    const events = parseEvents((await streamRun()).body);
    expect(events.map((event) => [event.event, event.data.phase, event.data.data])).toEqual([
      ['stderr', 'compile', 'main.c:1: warning\n'],
      ['stdout', 'run', 'ran\n'],
      ['result', undefined, undefined],
    ]);
  });

  test('a judged run (tests) is refused as events, before any worker is leased: its cases answer together', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    const response = await streamRun({ ...hello, tests: [{ stdin: '1\n' }, { stdin: '2\n' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'invalid_request', details: { field: 'tests' } } });
    expect(t.platform.leases).toHaveLength(0);
  });

  test('the output limit holds over streamed bytes, stdout and stderr together', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    t.platform.script({
      delayMs: 40,
      chunks: [
        { data: 'aaaaaaa', atMs: 5 },
        { data: 'bbbbbbb', atMs: 10 },
        { stream: 'stderr', data: 'ccc', atMs: 15 },
      ],
    });
    const events = parseEvents((await streamRun({ ...hello, limits: { outputBytes: 10 } })).body);
    expect(outputOf(events, 'stdout')).toBe('aaaaaaabbb');
    expect(outputOf(events, 'stderr')).toBe('');
    expect(t.platform.requests[0]?.limits.outputBytes).toBe(10);
  });

  test('failures before the run starts are the usual HTTP answers', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    const invalid = await streamRun({ files: [] });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['content-type']).toMatch(/application\/json/);
    expect(invalid.json()).toMatchObject({ error: { code: 'invalid_request' } });
    t.platform.leasesAtOnce = 0;
    t.platform.queueMax = 0;
    const busy = await streamRun();
    expect(busy.statusCode).toBe(429);
    expect(busy.headers['retry-after']).toBe('2');
    expect(busy.json()).toMatchObject({ error: { code: 'queue_full' } });
  });

  test('a worker that fails after output went out is an error event: no retry, which would send the output again', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    t.platform.script({ delayMs: 30, fail: 'the container died', chunks: [{ data: 'partial\n', atMs: 5 }] }, { delayMs: 5 });
    const response = await streamRun();
    expect(response.statusCode).toBe(200);
    const events = parseEvents(response.body);
    expect(events.map((event) => event.event)).toEqual(['stdout', 'error']);
    expect((events[1] as Event).data).toMatchObject({ error: { code: 'workers_failed', details: { attempts: 1 } } });
    expect(t.platform.leases).toHaveLength(1);
  });

  test('a worker that fails before any output is retried on another, as a plain run is', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    t.platform.script({ delayMs: 5, fail: 'the container died' }, { delayMs: 20, result: { stdout: 'x\n' }, chunks: [{ data: 'x\n', atMs: 5 }] });
    const events = parseEvents((await streamRun()).body);
    expect(events.map((event) => event.event)).toEqual(['stdout', 'result']);
    expect((events[1] as Event).data).toMatchObject({ status: 'ok', race: { retries: 1 } });
    expect(t.platform.leases).toHaveLength(2);
  });

  test('a client that goes away mid-stream cancels the run and frees its worker', async () => {
    t = await makeTestApp({ platform: new FakePlatform() });
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.platform.script({ hang: true, chunks: [{ data: 'first\n', atMs: 5 }] });
    // node's own client: it drops the connection for good (fetch's pool opens another at once)
    const url = new URL('/v1/run', base);
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } });
    const firstChunk = new Promise<string>((resolve) => request.on('response', (response) => response.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    request.end(JSON.stringify(hello));
    expect(await firstChunk).toContain('first');
    request.destroy();
    await waitUntil(() => t.platform.leases.every((lease) => lease.released));
    expect(t.platform.aborts).toEqual(['w1']);
    expect(t.platform.leases[0]).toMatchObject({ healthy: true });
  });
});
