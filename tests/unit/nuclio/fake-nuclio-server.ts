/**
 * A stand-in for Nuclio on 127.0.0.1, speaking as its HTTP trigger and shell runtime do: the health
 * path without a worker, 200 with the handler's output, 503 when busy, 408 past the event timeout, 500
 * with a wrapped body when the handler fails; and the dashboard (Nuclio 1.14's `/api/functions`
 * resource and its invocation relay).
 *
 * The dashboard part has two modes. By default (the invocation tests) every function name it is asked
 * about exists and is ready. Once a function is added (`addFunction`, or deployed through `POST
 * /api/functions`), the dashboard knows exactly the functions it holds: it lists them (filtered by the
 * `x-nuclio-project-name` header, as Nuclio filters by the `nuclio.io/project-name` label), answers
 * 404 for others, names each one's pods, and deploys new ones (202, then `building`, then `ready` or
 * `error` after `deployMs`). A known function takes as many events at once as its pods × workers, and
 * answers 503 at once past that, as a Nuclio replica with one worker does.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nuclioFunctionSpec, type NuclioFunctionOptions } from '../../../factory/nuclio';

export type Behaviour = 'echo' | 'busy' | 'timeout' | 'fail' | 'malformed' | 'hang' | 'huge' | 'down';

export interface ReceivedEvent {
  functionName: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A function as the dashboard returns it. */
export interface FakeFunction {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown> & { minReplicas?: number; triggers?: { http?: { numWorkers?: number } } };
  status: { state: string; message?: string };
  /** Pod names `/replicas` answers. */
  replicas: string[];
  /** Pods that take events, when fewer than listed (a rollout: a pod listed but not ready yet). */
  serving?: number;
}

export interface DashboardCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body?: unknown;
}

export interface FakeNuclio {
  /** `http://127.0.0.1:<port>/{namespace}/{name}/` */
  functionUrlTemplate: string;
  dashboardUrl: string;
  behaviours: Map<string, Behaviour>;
  events: ReceivedEvent[];
  /** Events whose client went away before an answer. */
  abandoned: number;
  /** Functions the dashboard holds (strict mode once one is there). */
  functions: Map<string, FakeFunction>;
  /** Every call to `/api/functions…` (not the invocations). */
  calls: DashboardCall[];
  /** How a deploy ends, and when. */
  deploy: { outcome: 'ready' | 'error' | 'never'; deployMs: number; message: string };
  /** Per function, how long an event takes before its answer (default 0). */
  eventDelayMs: Map<string, number>;
  /** The dashboard answers 500 to everything under /api/functions. */
  dashboardDown: boolean;
  addFunction(options: FakeFunctionOptions): FakeFunction;
  close(): Promise<void>;
}

export interface FakeFunctionOptions extends Partial<NuclioFunctionOptions> {
  /** What names the function: `<registry>/codering/python:3.11.2-<hash>`. */
  servedImage: string;
  runtimeId: string;
  image: string;
  state?: string;
  /** Pods; default minReplicas (1). */
  pods?: number;
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

const json = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

function pods(name: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `nuclio-${name}-pod${index}`);
}

/** The nuclio function body of our spec, for a test: the same labels and spec infra and the API deploy. */
export function fakeFunction(options: FakeFunctionOptions): FakeFunction {
  const resource = nuclioFunctionSpec({
    namespace: 'nuclio',
    projectName: 'codering',
    limits: { wallMs: 5000, compileWallMs: 20_000, memoryBytes: 128 * 1024 * 1024 },
    replicas: { min: 1, max: 1 },
    ...options,
  });
  return {
    metadata: resource.metadata,
    spec: resource.spec as unknown as FakeFunction['spec'],
    status: { state: options.state ?? 'ready' },
    replicas: pods(resource.metadata.name, options.pods ?? resource.spec.minReplicas),
  };
}

export async function startFakeNuclio(): Promise<FakeNuclio> {
  const behaviours = new Map<string, Behaviour>();
  const events: ReceivedEvent[] = [];
  const functions = new Map<string, FakeFunction>();
  const calls: DashboardCall[] = [];
  const eventDelayMs = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const state = {
    abandoned: 0,
    dashboardDown: false,
    deploy: { outcome: 'ready' as 'ready' | 'error' | 'never', deployMs: 50, message: 'Failed to deploy: image pull back-off' },
  };

  const later = (ms: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  /** Events a known function takes at once: its pods × workers; unknown ones are not limited. */
  const capacity = (name: string): number => {
    const fn = functions.get(name);
    if (fn === undefined) return Infinity;
    if (fn.status.state !== 'ready') return 0;
    return (fn.serving ?? fn.replicas.length) * (fn.spec.triggers?.http?.numWorkers ?? 1);
  };

  const handleEvent = async (functionName: string, request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    events.push({ functionName, headers: request.headers, body });
    const behaviour = behaviours.get(functionName) ?? 'echo';
    if (behaviour === 'echo' && (inFlight.get(functionName) ?? 0) >= capacity(functionName)) {
      // every replica's one worker is taken: Nuclio's HTTP trigger with workerAvailabilityTimeout 0
      response.writeHead(503).end('{"error": "No available workers"}');
      return;
    }
    switch (behaviour) {
      case 'echo': {
        inFlight.set(functionName, (inFlight.get(functionName) ?? 0) + 1);
        const answer = (): void => {
          inFlight.set(functionName, (inFlight.get(functionName) ?? 1) - 1);
          response.writeHead(200, { 'content-type': 'application/json' }).end(echoResult(body));
        };
        const delay = eventDelayMs.get(functionName) ?? 0;
        if (delay > 0) later(delay, answer);
        else answer();
        return;
      }
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

  const deploy = (body: { metadata: FakeFunction['metadata']; spec: FakeFunction['spec'] }): FakeFunction => {
    const fn: FakeFunction = { metadata: body.metadata, spec: body.spec, status: { state: 'building' }, replicas: [] };
    functions.set(body.metadata.name, fn);
    if (state.deploy.outcome !== 'never') {
      const outcome = state.deploy.outcome;
      later(state.deploy.deployMs, () => {
        fn.status = outcome === 'ready' ? { state: 'ready' } : { state: 'error', message: state.deploy.message };
        if (outcome === 'ready') fn.replicas = pods(fn.metadata.name, fn.spec.minReplicas ?? 1);
      });
    }
    return fn;
  };

  const handleFunctions = async (parts: string[], request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request);
    const body = raw.length === 0 ? undefined : (JSON.parse(raw.toString('utf8')) as unknown);
    calls.push({ method: request.method ?? 'GET', path: `/${parts.join('/')}`, headers: request.headers, body });
    if (state.dashboardDown) return json(response, 500, { error: 'Failed to get functions' });
    if (request.headers['x-nuclio-function-namespace'] === undefined) return json(response, 400, { error: 'Namespace must exist' });
    const [, , name, sub] = parts;
    const strict = functions.size > 0;
    if (request.method === 'POST' && name === undefined) {
      const created = body as { metadata: FakeFunction['metadata']; spec: FakeFunction['spec'] };
      if (functions.has(created.metadata.name)) return json(response, 409, { error: 'Cannot create two functions with the same name' });
      const project = request.headers['x-nuclio-project-name'];
      if (typeof project === 'string') created.metadata.labels['nuclio.io/project-name'] = project;
      deploy(created);
      return json(response, 202, {});
    }
    if (request.method !== 'GET') return json(response, 405, {});
    if (name === undefined) {
      const project = request.headers['x-nuclio-project-name'];
      const listed = [...functions.values()].filter(
        (fn) => typeof project !== 'string' || fn.metadata.labels['nuclio.io/project-name'] === project,
      );
      return json(response, 200, Object.fromEntries(listed.map((fn) => [fn.metadata.name, { metadata: fn.metadata, spec: fn.spec, status: fn.status }])));
    }
    const fn = functions.get(name);
    if (fn === undefined && strict) return json(response, 404, { error: 'Function not found' });
    if (sub === 'replicas') return json(response, 200, { names: fn?.replicas ?? [] });
    if (fn !== undefined) return json(response, 200, { metadata: fn.metadata, spec: fn.spec, status: fn.status });
    const legacy = behaviours.get(name) === 'down' ? 'error' : 'ready';
    return json(response, 200, { status: { state: legacy } });
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
    if (parts[0] === 'api' && parts[1] === 'functions') {
      void handleFunctions(parts, request, response);
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
    functions,
    calls,
    eventDelayMs,
    get abandoned() {
      return state.abandoned;
    },
    get deploy() {
      return state.deploy;
    },
    get dashboardDown() {
      return state.dashboardDown;
    },
    set dashboardDown(down: boolean) {
      state.dashboardDown = down;
    },
    addFunction(options) {
      const fn = fakeFunction(options);
      functions.set(fn.metadata.name, fn);
      return fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
