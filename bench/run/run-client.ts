/**
 * `POST /v1/run` as the UI would send it, over one keep-alive agent (a browser keeps its connection
 * too: a TCP handshake per run would be the client's cost, not ours). Every answer is checked.
 */

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RaceMode } from '../../registry-api/config';
import type { RunResponse } from '../../registry-api/contract';
import { checkAnswer } from './answer-check';
import type { BenchProgram, RunCase } from './bench-programs';

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

export function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
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

/** One `POST /v1/run` as sent: its HTTP status, its body and the client's latency. */
export interface RunAttempt {
  ms: number;
  status: number;
  text: string;
}

/** Sends `program` for `runtime`; `mode` undefined leaves the choice to the API (CODERING_RACE_MODE). */
export async function postRun(baseUrl: string, runtime: string, program: RunCase, mode?: RaceMode): Promise<RunAttempt> {
  const started = performance.now();
  const { status, text } = await postJson(`${baseUrl}/v1/run`, {
    runtime,
    files: program.files,
    main: program.main,
    stdin: program.stdin,
    args: program.args,
    mode,
  });
  return { ms: performance.now() - started, status, text };
}

/** The answer of a 200 that printed what it must; throws otherwise, with the status and the body's start. */
export function checkedAnswer(program: RunCase, attempt: RunAttempt): RunResponse {
  if (attempt.status !== 200) throw new Error(`HTTP ${attempt.status}: ${attempt.text.slice(0, 300)}`);
  const body = JSON.parse(attempt.text) as RunResponse;
  checkAnswer(program, body.status, body.stdout);
  return body;
}

export async function runOurs(baseUrl: string, runtime: string, program: BenchProgram, mode: RaceMode): Promise<OurRun> {
  const attempt = await postRun(baseUrl, runtime, program, mode);
  const body = checkedAnswer(program, attempt);
  return {
    ms: attempt.ms,
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
