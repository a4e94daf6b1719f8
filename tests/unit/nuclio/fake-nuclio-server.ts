/**
 * A stand-in for Nuclio on 127.0.0.1, speaking as its HTTP trigger and shell runtime do: the health
 * path without a worker, 200 with the handler's output, 503 when busy, 408 past the event timeout, 500
 * with a wrapped body when the handler fails; and the dashboard's invocation relay.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'echo' | 'busy' | 'timeout' | 'fail' | 'malformed' | 'hang' | 'huge' | 'down';

export interface ReceivedEvent {
  functionName: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface FakeNuclio {
  /** `http://127.0.0.1:<port>/{namespace}/{name}/` */
  functionUrlTemplate: string;
  dashboardUrl: string;
  behaviours: Map<string, Behaviour>;
  events: ReceivedEvent[];
  /** Events whose client went away before an answer. */
  abandoned: number;
  close(): Promise<void>;
}

/** A result the way the proxy writes it: stdout is the request's stdin field, echoed. */
function echoResult(request: Buffer): string {
  const text = request.toString('utf8');
  const match = /\nstdin (\d+)\n/.exec(text);
  const stdin = match === null ? '' : text.substr(match.index + match[0].length, Number(match[1]));
  return JSON.stringify({
    status: 'ok',
    exitCode: 0,
    signal: null,
    stdout: Buffer.from(stdin).toString('base64'),
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    compile: null,
    wallMs: 12,
    cpuMs: 8,
    memoryBytes: 1024,
    message: '',
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeNuclio(): Promise<FakeNuclio> {
  const behaviours = new Map<string, Behaviour>();
  const events: ReceivedEvent[] = [];
  const state = { abandoned: 0 };

  const handleEvent = async (functionName: string, request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    events.push({ functionName, headers: request.headers, body });
    const behaviour = behaviours.get(functionName) ?? 'echo';
    switch (behaviour) {
      case 'echo':
        response.writeHead(200, { 'content-type': 'application/json' }).end(echoResult(body));
        return;
      case 'busy':
        response.writeHead(503).end();
        return;
      case 'timeout':
        response.writeHead(408).end();
        return;
      case 'fail':
        response.writeHead(500).end('Failed to run shell command.\nError: exit status 1\nOutput:sh: 1: boom');
        return;
      case 'malformed':
        response.writeHead(200).end('warning: something on stderr\n{"status":"ok"}');
        return;
      case 'huge':
        response.writeHead(200).end(Buffer.alloc(2 * 1024 * 1024, 'x'));
        return;
      case 'hang':
      case 'down':
        request.socket.once('close', () => {
          state.abandoned += 1;
        });
        return;
    }
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts[1] === 'function_invocations' && request.method === 'POST') {
      const name = String(request.headers['x-nuclio-function-name'] ?? '');
      if (name === '' || request.headers['x-nuclio-function-namespace'] === undefined) {
        response.writeHead(400).end('{"error": "Function name must be provided"}');
        return;
      }
      void handleEvent(name, request, response);
      return;
    }
    if (parts[0] === 'api' && parts[1] === 'functions' && parts[2] !== undefined && request.method === 'GET') {
      const state = behaviours.get(parts[2]) === 'down' ? 'error' : 'ready';
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: { state } }));
      return;
    }
    const [, name, rest] = parts;
    if (name === undefined) {
      response.writeHead(404).end();
      return;
    }
    if (rest === '__internal' && request.method === 'GET') {
      response.writeHead(behaviours.get(name) === 'down' ? 503 : 200).end();
      return;
    }
    if (request.method === 'POST' && rest === undefined) {
      void handleEvent(name, request, response);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    functionUrlTemplate: `http://127.0.0.1:${port}/{namespace}/{name}/`,
    dashboardUrl: `http://127.0.0.1:${port}`,
    behaviours,
    events,
    get abandoned() {
      return state.abandoned;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
