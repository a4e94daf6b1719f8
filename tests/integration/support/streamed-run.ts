/**
 * Streamed runs as a client sees them over a real socket, each message with its arrival time
 * (performance.now()): `POST /v1/run` read as server-sent events, and a `GET /v1/run/ws` session.
 */

import http from 'node:http';
import { connectWebSocket, type ConnectOptions, type WebSocketConnection } from '../../../registry-api/websocket';

export interface Arrival {
  /** `stdout`, `stderr`, `result`, `error`. */
  type: string;
  data: Record<string, unknown>;
  at: number;
}

export interface EventStreamRun {
  status: number;
  /** Resolves with every event once the answer ends (or is cut short). */
  done: Promise<Arrival[]>;
  /** The events so far. */
  events: Arrival[];
  /** Drops the connection, as a client that goes away. */
  hangUp(): void;
}

/** Starts `POST /v1/run` with `Accept: text/event-stream`; resolves once the answer's headers came. */
export function postEventStream(base: string, body: unknown): Promise<EventStreamRun> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL('/v1/run', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      agent: false,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const events: Arrival[] = [];
      let pending = '';
      // an answer cut short (a hang-up of ours, say) ends with what came
      const done = new Promise<Arrival[]>((finish) => {
        response.on('data', (chunk: Buffer) => {
          const at = performance.now();
          pending += chunk.toString('utf8');
          let end: number;
          while ((end = pending.indexOf('\n\n')) >= 0) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (type !== undefined && data !== undefined) events.push({ type, data: JSON.parse(data) as Record<string, unknown>, at });
          }
        });
        response.on('end', () => finish(events));
        response.on('error', () => finish(events));
        response.on('close', () => finish(events));
      });
      resolve({ status: response.statusCode ?? 0, done, events, hangUp: () => request.destroy() });
    });
    request.end(JSON.stringify(body));
  });
}

export interface SocketRun {
  connection: WebSocketConnection;
  messages: Arrival[];
  closed: Promise<[number, string]>;
  send(message: unknown): void;
  /** Resolves with the first message (from now on, or already there) that `match` accepts. */
  next(match: (message: Arrival) => boolean, timeoutMs?: number): Promise<Arrival>;
}

/** Opens `GET /v1/run/ws` offering `codering.v1`, unless `options` say otherwise. */
export async function openRunSocket(base: string, options: ConnectOptions = {}): Promise<SocketRun> {
  const { connection } = await connectWebSocket(`${base.replace(/^http/, 'ws')}/v1/run/ws`, { protocols: ['codering.v1'], ...options });
  const messages: Arrival[] = [];
  const waiters: (() => void)[] = [];
  connection.onMessage((message) => {
    const data = JSON.parse(message.data.toString('utf8')) as Record<string, unknown>;
    messages.push({ type: String(data.type), data, at: performance.now() });
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<[number, string]>((resolve) => connection.onClose((code, reason) => resolve([code, reason])));
  const next = async (match: (message: Arrival) => boolean, timeoutMs = 30_000): Promise<Arrival> => {
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ; ) {
      const found = messages.slice(seen).find(match);
      if (found) return found;
      seen = messages.length;
      if (Date.now() > deadline) throw new Error(`no such message within ${timeoutMs} ms: ${JSON.stringify(messages.map((m) => m.data))}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return { connection, messages, closed, send: (message) => connection.send(JSON.stringify(message)), next };
}
