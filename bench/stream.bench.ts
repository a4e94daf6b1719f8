/**
 * `npm run bench:stream`: how soon a streamed run's output reaches its client, against the API in a
 * process of its own (as production runs it), on the python image, over real sockets.
 *
 * The program prints its own clock (epoch, CLOCK_REALTIME: the container shares the host's) at each
 * write, with a plain `print` as a student writes it (no flush: a streamed run is line-buffered for
 * it); the client notes its own clock when the bytes arrive. Their difference is the
 * delivery: proxy pipe → output frame → API → SSE event or WebSocket message → client. Measured for
 * the first write (the first byte) and for the later ones, by three clients of the same program, in
 * interleaved rounds so that all see the same machine load:
 *   - events: `POST /v1/run` with `Accept: text/event-stream`;
 *   - websocket: `GET /v1/run/ws`;
 *   - plain (the baseline): `POST /v1/run` as JSON, whose first byte of output arrives with the
 *     answer, after the whole program.
 * Target: the first byte within 20 ms of the program's write.
 */

import http from 'node:http';
import path from 'node:path';
import { coderingConfig } from '../config';
import { connectWebSocket } from '../registry-api/websocket';
import { ApiProcess, benchDir, elapsed, load, runBench, summarize } from './run';
import { renderTable } from './run/bench-table';

const RUNTIME = 'python@3.11';
const ROUNDS = coderingConfig().bench.quick ? 5 : 20;
const WRITES = 5;
const TARGET_MS = 20;
// five stamped writes 100 ms apart, plain prints: the program's own clock in epoch ms
const PROGRAM = `import time
for i in range(${WRITES}):
    print(f"{time.time_ns() / 1e6:.3f}")
    time.sleep(0.1)
`;
const BODY = { runtime: RUNTIME, mode: 'single', files: [{ name: 'main.py', content: PROGRAM }] };

type Client = 'events' | 'websocket' | 'plain';

interface Sample {
  /** Client clock minus the program's, per write, in order (ms). */
  delays: number[];
  /** From sending the request to the first byte of output at the client (ms). */
  firstByteMs: number;
  /** From sending the request to the answer (ms). */
  totalMs: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const stamps = (text: string): number[] => text.split('\n').filter((line) => line !== '').map(Number);

/** `POST /v1/run` as events: each stdout event's arrival against the stamps it carries. */
function viaEvents(base: string): Promise<Sample> {
  const sent = now();
  const delays: number[] = [];
  let firstByteMs = Number.NaN;
  return new Promise((resolve, reject) => {
    const request = http.request(new URL('/v1/run', base), {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let pending = '';
      response.on('data', (chunk: Buffer) => {
        const at = now();
        pending += chunk.toString('utf8');
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const [event, data] = pending.slice(0, end).split('\n');
          pending = pending.slice(end + 2);
          if (event !== 'event: stdout' || data === undefined) continue;
          if (Number.isNaN(firstByteMs)) firstByteMs = at - sent;
          for (const stamp of stamps((JSON.parse(data.slice('data: '.length)) as { data: string }).data)) delays.push(at - stamp);
        }
      });
      response.on('end', () => resolve({ delays, firstByteMs, totalMs: now() - sent }));
    });
    request.end(JSON.stringify(BODY));
  });
}

/** `GET /v1/run/ws`: each stdout message's arrival against its stamps (the connection is opened first). */
async function viaWebSocket(base: string): Promise<Sample> {
  const { connection } = await connectWebSocket(`${base.replace(/^http/, 'ws')}/v1/run/ws`, { protocols: ['codering.v1'] });
  const delays: number[] = [];
  let firstByteMs = Number.NaN;
  const sent = now();
  const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
  connection.onMessage((message) => {
    const at = now();
    const data = JSON.parse(message.data.toString('utf8')) as { type: string; data?: string };
    if (data.type !== 'stdout') return;
    if (Number.isNaN(firstByteMs)) firstByteMs = at - sent;
    for (const stamp of stamps(data.data ?? '')) delays.push(at - stamp);
  });
  connection.send(JSON.stringify(BODY));
  await closed;
  return { delays, firstByteMs, totalMs: now() - sent };
}

/** The baseline: a plain run, whose output reaches the client only with the answer. */
async function viaPlain(base: string): Promise<Sample> {
  const sent = now();
  const response = await fetch(`${base}/v1/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(BODY) });
  const answer = (await response.json()) as { stdout: string };
  const at = now();
  return { delays: stamps(answer.stdout).map((stamp) => at - stamp), firstByteMs: at - sent, totalMs: at - sent };
}

const CLIENTS: Record<Client, (base: string) => Promise<Sample>> = { events: viaEvents, websocket: viaWebSocket, plain: viaPlain };

runBench('stream', coderingConfig().bench.quick, async ({ startedAt, since, cleanups }) => {
  // the API warms python alone, and builds nothing else
  process.env.CODERING_DEFAULT_RUNTIMES = RUNTIME;
  const api = await ApiProcess.start(path.join(benchDir(), `api-stream-${startedAt.toISOString().replace(/[:.]/g, '-')}.log`));
  cleanups.push('API process', () => api.stop());
  const readyMs = await api.waitReady(20 * 60_000);
  console.log(`[${elapsed(since)}] API ready at ${api.baseUrl} after ${readyMs} ms; ${ROUNDS} rounds of ${WRITES} writes 100 ms apart${load()}`);

  const samples: Record<Client, Sample[]> = { events: [], websocket: [], plain: [] };
  let errors = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const client of Object.keys(CLIENTS) as Client[]) {
      const sample = await CLIENTS[client](api.baseUrl);
      if (sample.delays.length !== WRITES) errors += 1;
      samples[client].push(sample);
    }
  }

  const rows = (Object.keys(samples) as Client[]).map((client) => {
    const first = summarize(samples[client].map((sample) => sample.delays[0] ?? Number.NaN));
    const later = summarize(samples[client].flatMap((sample) => sample.delays.slice(1)));
    const firstByte = summarize(samples[client].map((sample) => sample.firstByteMs));
    const total = summarize(samples[client].map((sample) => sample.totalMs));
    return [client, first.p50, first.p95, first.max, later.p50, later.p95, firstByte.p50, total.p50];
  });
  console.log(
    renderTable(
      `Delivery of a plain print (no flush): the client's clock minus the program's (ms), python, n=${ROUNDS} runs each; target: first write ≤ ${TARGET_MS} ms`,
      ['client', 'first p50', 'first p95', 'first max', 'later p50', 'later p95', 'req→1st byte p50', 'req→answer p50'],
      rows,
    ),
  );
  const streamedFirst = [...samples.events, ...samples.websocket].map((sample) => sample.delays[0] ?? Number.POSITIVE_INFINITY);
  const p95 = summarize(streamedFirst).p95;
  console.log(`\nstreamed first write p95 ${p95.toFixed(1)} ms: ${p95 <= TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target; plain runs see it ${summarize(samples.plain.map((sample) => sample.delays[0] ?? Number.NaN)).p50.toFixed(0)} ms after it was written (p50)`);
  console.log(errors === 0 ? 'errors: none' : `errors: ${errors} run(s) without their ${WRITES} writes`);
  return errors > 0;
});
