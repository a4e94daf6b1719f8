/**
 * `POST /v1/run` as the UI would send it, over one keep-alive agent (a browser keeps its connection
 * too: a TCP handshake per run would be the client's cost, not ours). Every answer is checked.
 */

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RaceMode } from '../../registry-api/config';
import type { RunResponse } from '../../registry-api/contract';
import { checkAnswer } from './answer-check';
import type { BenchProgram } from './bench-programs';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const REQUEST_TIMEOUT_MS = 60_000;

/** What one run cost, seen from the client and as the API reports it. */
export interface OurRun {
  ms: number;
  /** The executor's own total (lease wait + worker), from the response. */
  serverTotalMs: number;
  /** The program's wall time inside the proxy (interpreter start included). */
  runMs: number;
  queueMs: number;
  winner: number;
  /** Workers that received the request: 2 whenever the race had a second runner. */
  workers: number;
  fallback: boolean;
}

function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

export async function runOurs(baseUrl: string, runtime: string, program: BenchProgram, mode: RaceMode): Promise<OurRun> {
  const started = performance.now();
  const { status, text } = await postJson(`${baseUrl}/v1/run`, {
    runtime,
    files: [{ name: program.main, content: program.source }],
    main: program.main,
    stdin: program.stdin,
    mode,
  });
  const ms = performance.now() - started;
  if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as RunResponse;
  checkAnswer(program, body.status, body.stdout);
  return {
    ms,
    serverTotalMs: body.timings.totalMs,
    runMs: body.timings.runMs,
    queueMs: body.timings.queueMs,
    winner: body.race.winner,
    workers: body.race.workers,
    fallback: body.race.fallback,
  };
}

export function closeRunClient(): void {
  agent.destroy();
}
