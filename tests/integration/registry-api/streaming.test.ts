/**
 * Streamed runs end to end on this machine: the real python image and its proxy, a pool of ONE warm
 * worker, over a real socket. Lines a program prints 200 ms apart arrive 200 ms apart, long before the
 * result; an `input()` loop answers each line sent over the WebSocket before the next is sent; a
 * client that hangs up mid-stream frees the worker (the next run gets the same one, fresh); the
 * output limit holds over streamed bytes.
 */

import { type LiveApi, openRunSocket, postEventStream, startLiveApi, type Arrival } from '../support';

const RUNTIME = 'python@3.11';

jest.setTimeout(15 * 60_000);

let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: [RUNTIME], warmFloor: 1, maxWorkers: 1 });
});
afterAll(async () => api?.close());

const python = (content: string, extra: Record<string, unknown> = {}) => ({ runtime: RUNTIME, files: [{ name: 'main.py', content }], ...extra });

const TICKS = python(`import time
for i in range(5):
    print(f"line {i}", flush=True)
    time.sleep(0.2)
`);

const lines = (arrivals: Arrival[]) => arrivals.filter((arrival) => arrival.type === 'stdout');

function expectTicking(arrivals: Arrival[]): void {
  const printed = lines(arrivals);
  expect(printed.map((arrival) => arrival.data.data).join('')).toBe('line 0\nline 1\nline 2\nline 3\nline 4\n');
  // one event a line, each about 200 ms after the one before: they left as the program wrote them
  expect(printed).toHaveLength(5);
  const gaps = printed.slice(1).map((arrival, index) => arrival.at - (printed[index] as Arrival).at);
  for (const gap of gaps) {
    expect(gap).toBeGreaterThan(120);
    expect(gap).toBeLessThan(400);
  }
  const result = arrivals.at(-1) as Arrival;
  expect(result.type).toBe('result');
  // the first line came about 1 s (5 × 200 ms) before the answer
  expect(result.at - (printed[0] as Arrival).at).toBeGreaterThan(750);
}

test('server-sent events: each line as the program prints it, then the result', async () => {
  const run = await postEventStream(api.base, TICKS);
  expect(run.status).toBe(200);
  const events = await run.done;
  expectTicking(events);
  expect((events.at(-1) as Arrival).data).toMatchObject({ status: 'ok', stdout: 'line 0\nline 1\nline 2\nline 3\nline 4\n', race: { mode: 'single', workers: 1 } });
});

test('the WebSocket: the same lines as they come', async () => {
  const session = await openRunSocket(api.base);
  session.send(TICKS);
  expect((await session.closed)[0]).toBe(1000);
  expectTicking(session.messages);
});

test('an interactive input() loop answers each line sent before the next is sent', async () => {
  const session = await openRunSocket(api.base);
  session.send(
    python(`while True:
    try:
        line = input()
    except EOFError:
        print("bye")
        break
    print("echo:", line.upper())
`),
  );
  for (const word of ['hello', 'wörld', 'again']) {
    session.send({ type: 'stdin', data: `${word}\n` });
    const echoed = await session.next((message) => message.type === 'stdout' && String(message.data.data).includes(word.toUpperCase()));
    expect(echoed.data.data).toBe(`echo: ${word.toUpperCase()}\n`);
  }
  session.send({ type: 'stdin', eof: true });
  expect(await session.closed).toEqual([1000, 'done']);
  const result = session.messages.at(-1) as Arrival;
  expect(result.data.result).toMatchObject({ status: 'ok', stdout: 'echo: HELLO\necho: WÖRLD\necho: AGAIN\nbye\n' });
});

test('a client that hangs up mid-stream frees the worker: the next run on the pool of one gets it, fresh', async () => {
  const abandoned = await postEventStream(
    api.base,
    python(`import socket, subprocess, time
open("/tmp/left-behind", "w").write("x")
subprocess.Popen(["sleep", "300.123"])
print(socket.gethostname(), flush=True)
time.sleep(30)
`),
  );
  while (lines(abandoned.events).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const firstHost = String(lines(abandoned.events)[0]?.data.data).trim();
  abandoned.hangUp();
  const started = performance.now();
  const next = await api.run(
    python(`import os, socket
sleepers = [p for p in os.listdir("/proc") if p.isdigit() and b"300.123" in open(f"/proc/{p}/cmdline", "rb").read()]
print(socket.gethostname(), os.path.exists("/tmp/left-behind"), len(sleepers))
`),
  );
  expect(next.status).toBe(200);
  expect(next.body.stdout).toBe(`${firstHost} False 0\n`);
  // it did not wait for the abandoned program's 30 s
  expect(performance.now() - started).toBeLessThan(10_000);
  expect(api.platform.stats().reduce((sum, pool) => sum + (pool.coldStarts ?? 0), 0)).toBe(0);
});

test('the output limit holds over streamed bytes: no more is sent than allowed, and the answer says output_limit', async () => {
  const run = await postEventStream(api.base, python('while True:\n    print("x" * 99, flush=True)\n', { limits: { outputBytes: 5000 } }));
  const events = await run.done;
  const streamed = lines(events).reduce((sum, arrival) => sum + Buffer.byteLength(String(arrival.data.data)), 0);
  expect(streamed).toBe(5000);
  expect((events.at(-1) as Arrival).data).toMatchObject({ status: 'output_limit', stdoutTruncated: true });
});
