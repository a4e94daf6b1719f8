/**
 * A "virtual worker": one concurrency slot of a Nuclio function. Which replica serves an event is the
 * Service's choice, not ours; what we own is the HTTP call, its deadline and its cancellation.
 *
 * Nuclio's shell runtime answers the handler's stdout and stderr combined, 200 when it exits 0 and 500
 * (with a wrapped body) otherwise; a busy replica answers 503, an event past `eventTimeout` 408. Our
 * proxy always exits 0 and writes only its JSON result, so anything but a 200 with a decodable result
 * is a worker failure, never the user's — except the 503: the replica did not take the event at all
 * (its one worker was busy), which is WorkerBusy, "try again later", not a failure.
 *
 * One answer per event also means a function can't stream: a streamed run's outputs are handed to
 * its listener whole when the answer comes (stdout, then stderr), and interactive stdin is refused
 * by the API before any worker is asked (proxy/README.md, "Streaming and interactive stdin").
 */

import { encodeProxyRequest, decodeProxyResult, MalformedProxyResult } from '../../../proxy';
import { WorkerBusy, WorkerFailure, type ProxyResult, type RunStream, type Worker, type WorkerRequest } from '..';
import type { FunctionEndpoint, FunctionTarget } from './function-endpoint';
import { BodyTooLarge, readCappedBody } from './read-capped-body';
import { runWallMs } from '../../../proxy';

export interface NuclioWorkerOptions {
  id: string;
  image: string;
  target: FunctionTarget;
  endpoint: FunctionEndpoint;
  /** Added to the run's compile and wall limits (every test case's): the proxy's own overhead and the network. */
  runMarginMs: number;
  /** No call waits longer, whatever the limits (keep it at the functions' `eventTimeout`). */
  invokeTimeoutMs: number;
  maxResponseBytes: number;
  /** Aborted when the platform closes: every call in flight is abandoned. */
  closing: AbortSignal;
  /** After a busy answer, how long the slot stays taken: the replica was busy with an event we did not count. */
  busyHoldMs: number;
}

/** Results whose outputs are not the program's answer to a client: nothing of them is streamed. */
const UNSTREAMED: ReadonlySet<ProxyResult['status']> = new Set(['internal_error', 'cancelled', 'files_rejected']);

/** What a status other than 200 means, for the failure's message. */
const STATUS_MEANING: Record<number, string> = {
  408: 'the event timed out in Nuclio (its worker restarts)',
  500: 'the handler failed',
  502: 'the dashboard could not reach the function',
  503: 'every worker of the replica is busy',
  504: 'the dashboard timed out',
};

export class NuclioWorker implements Worker {
  readonly id: string;
  readonly image: string;
  /**
   * Nuclio keeps running an event whose client went away, so after a cancellation the replica stays
   * busy until the run's own deadline: the platform holds the slot until then.
   */
  busyUntil = 0;
  /** The replica answered busy (503): nothing ran. */
  answeredBusy = false;

  constructor(private readonly options: NuclioWorkerOptions) {
    this.id = options.id;
    this.image = options.image;
  }

  deadlineMs(request: WorkerRequest): number {
    return Math.min(request.limits.compileWallMs + runWallMs(request) + this.options.runMarginMs, this.options.invokeTimeoutMs);
  }

  async run(request: WorkerRequest, signal: AbortSignal, stream?: RunStream): Promise<ProxyResult> {
    if (signal.aborted) return cancelledResult();
    const timeoutMs = this.deadlineMs(request);
    const deadline = AbortSignal.timeout(timeoutMs);
    const call = this.options.endpoint.invocation(this.options.target, timeoutMs);
    const started = Date.now();
    let status: number;
    let body: Buffer;
    try {
      const response = await fetch(call.url, {
        method: 'POST',
        headers: { ...call.headers, 'content-type': 'application/octet-stream', accept: 'application/json' },
        body: encodeProxyRequest(request),
        signal: AbortSignal.any([signal, deadline, this.options.closing]),
      });
      status = response.status;
      body = await readCappedBody(response, this.options.maxResponseBytes);
    } catch (error) {
      if (signal.aborted) {
        this.busyUntil = started + timeoutMs;
        return cancelledResult();
      }
      if (deadline.aborted) throw this.failure(`no answer within ${timeoutMs} ms`, error);
      if (this.options.closing.aborted) throw this.failure('the platform is closing', error);
      if (error instanceof BodyTooLarge) throw this.failure(error.message, error);
      throw this.failure(`the call failed: ${describe(error)}`, error);
    }
    if (status === 503) {
      this.answeredBusy = true;
      this.busyUntil = Date.now() + this.options.busyHoldMs;
      const { name, namespace } = this.options.target;
      throw new WorkerBusy(`nuclio function ${namespace}/${name} (${this.id}): HTTP 503: ${STATUS_MEANING[503]}: ${excerpt(body)}`, this.id);
    }
    if (status !== 200) {
      const meaning = STATUS_MEANING[status] ?? 'unexpected status';
      throw this.failure(`HTTP ${status}: ${meaning}: ${excerpt(body)}`);
    }
    let result: ProxyResult;
    try {
      result = decodeProxyResult(body);
    } catch (error) {
      if (error instanceof MalformedProxyResult) throw this.failure(`${error.message}: ${excerpt(body)}`, error);
      throw error;
    }
    // the program's answer, not ours (an internal error is retried, a cancel answered nobody): streamed at the end
    if (stream !== undefined && !UNSTREAMED.has(result.status)) {
      if (result.compile) {
        stream.output('stdout', Buffer.from(result.compile.stdout, 'utf8'), 'compile');
        stream.output('stderr', Buffer.from(result.compile.stderr, 'utf8'), 'compile');
      }
      stream.output('stdout', Buffer.from(result.stdout, 'utf8'), 'run');
      stream.output('stderr', Buffer.from(result.stderr, 'utf8'), 'run');
    }
    return result;
  }

  private failure(message: string, cause?: unknown): WorkerFailure {
    const { name, namespace } = this.options.target;
    return new WorkerFailure(`nuclio function ${namespace}/${name} (${this.id}): ${message}`, this.id, { cause });
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

/** The start of a body, for a message: enough to recognise Nuclio's own error text. */
function excerpt(body: Buffer): string {
  const text = body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ').trim();
  return text === '' ? '(empty body)' : text;
}

function cancelledResult(): ProxyResult {
  return {
    status: 'cancelled',
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    compile: null,
    wallMs: 0,
    cpuMs: 0,
    memoryBytes: 0,
    message: 'cancelled: the HTTP call was abandoned (Nuclio finishes the run on its own)',
  };
}
