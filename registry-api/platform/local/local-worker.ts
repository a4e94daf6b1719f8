import {
  CANCEL_LINE,
  decodeProxyFrame,
  encodeProxyRequest,
  encodeStdinFrame,
  MalformedProxyResult,
  ProxyFrameReader,
  STDIN_EOF_LINE,
  type ProxyFrame,
  type WorkerStateFrame,
} from '../../../proxy';
import { type ProxyResult, type RunStream, type Worker, WorkerFailure, type WorkerRequest } from '..';
import type { WorkerStreams } from '../../../factory/engine';
import { runWallMs } from '../../../proxy';

export interface LocalWorkerOptions {
  /** Time the proxy gets beyond the run's own limits before we call the worker dead. */
  graceMs: number;
  /** How long a cancelled run may take to answer `cancelled`. */
  cancelGraceMs: number;
  /** The proxy's budget to clean and prove the worker fresh after an answer (it retires past it). */
  cleanBudgetMs: number;
}

/** After an answer, until the proxy's state frame: those who wait to reuse the worker. */
interface Cleaning {
  timer: NodeJS.Timeout;
  waiters: ((clean: boolean) => void)[];
}

interface PendingRun {
  resolve(result: ProxyResult): void;
  reject(error: WorkerFailure): void;
  /** A streamed run's listener: the output frames before the result go to it. */
  stream?: RunStream;
}

/**
 * A warm container running `codering-proxy --serve`, driven over its attached stdio: one framed
 * request in, one framed result out. No `docker exec` and no `docker run` per request — that is
 * where the milliseconds are (FACTS.md: run ≈ 650 ms, exec ≈ 140 ms, attached loop ≈ 0–5 ms).
 *
 * A worker's life: idle → running → answered → cleaning → clean (idle again), or retired. The
 * answer goes out first; the worker stays busy until the proxy's state frame proves it as fresh
 * as a new one, and a worker that can't be proven clean is never reused.
 */
export class LocalWorker implements Worker {
  private pending: PendingRun | null = null;
  private cleaning: Cleaning | null = null;
  private brokenReason: string | null = null;
  /** Why the proxy retired the worker (it could not prove it clean), or null. */
  retiredReason: string | null = null;
  /** How long the last clean-and-prove took, as the proxy measured it. */
  lastCleanMs: number | null = null;
  private readonly stderrTail: string[] = [];
  private readonly frames: ProxyFrameReader;

  constructor(
    readonly id: string,
    readonly image: string,
    private readonly streams: WorkerStreams,
    private readonly options: LocalWorkerOptions,
    /** The uid its programs run as, given back to the platform when the worker goes. */
    readonly sandboxUid = 1000,
  ) {
    this.frames = new ProxyFrameReader((json) => this.onFrame(json));
    streams.stdout.on('data', (chunk: Buffer) => {
      try {
        this.frames.push(chunk);
      } catch (error) {
        this.breakDown(`it wrote something that is not a result (${(error as Error).message})`);
      }
    });
    streams.stdout.on('end', () => this.breakDown(`its container ended${this.lastWords()}`));
    streams.stdout.on('error', (error) => this.breakDown(`its output failed: ${error.message}`));
    streams.stdin.on('error', (error) => this.breakDown(`its input failed: ${error.message}`));
    streams.stderr.on('data', (chunk: Buffer) => {
      // the proxy's own diagnostics: keep the last lines for the failure message
      this.stderrTail.push(chunk.toString('utf8'));
      if (this.stderrTail.length > 8) this.stderrTail.shift();
    });
  }

  /** Why the worker can't be used any more, or null while it is healthy. */
  get broken(): string | null {
    return this.brokenReason;
  }

  get busy(): boolean {
    return this.pending !== null || this.cleaning !== null;
  }

  /** Resolves true once the worker is proven clean and may serve again; false if it never will. */
  whenClean(): Promise<boolean> {
    if (this.brokenReason) return Promise.resolve(false);
    const cleaning = this.cleaning;
    if (!cleaning) return Promise.resolve(true);
    return new Promise((resolve) => cleaning.waiters.push(resolve));
  }

  run(request: WorkerRequest, signal: AbortSignal, stream?: RunStream): Promise<ProxyResult> {
    if (this.brokenReason) return Promise.reject(new WorkerFailure(`worker ${this.id} is broken: ${this.brokenReason}`, this.id));
    if (this.pending) return Promise.reject(new WorkerFailure(`worker ${this.id} is already running a request`, this.id));
    if (this.cleaning) return Promise.reject(new WorkerFailure(`worker ${this.id} is not proven clean yet`, this.id));
    const deadlineMs = request.limits.compileWallMs + runWallMs(request) + this.options.graceMs;
    return new Promise<ProxyResult>((resolve, reject) => {
      let cancelTimer: NodeJS.Timeout | undefined;
      let detachStdin = (): void => undefined;
      const timer = setTimeout(() => {
        this.breakDown(`no answer within ${deadlineMs} ms`);
      }, deadlineMs);
      const onAbort = (): void => {
        if (this.pending !== run) return;
        this.streams.stdin.write(CANCEL_LINE);
        cancelTimer = setTimeout(() => this.breakDown('a cancelled run did not stop in time'), this.options.cancelGraceMs);
      };
      const settle = (): void => {
        clearTimeout(timer);
        clearTimeout(cancelTimer);
        signal.removeEventListener('abort', onAbort);
        detachStdin();
        this.pending = null;
      };
      const run: PendingRun = {
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        ...(stream === undefined ? {} : { stream }),
      };
      this.pending = run;
      signal.addEventListener('abort', onAbort, { once: true });
      this.streams.stdin.write(encodeProxyRequest(request, { stream: stream !== undefined, interactive: stream?.stdin !== undefined }));
      if (stream?.stdin !== undefined) {
        // after the request, in the same stream: the proxy reads them while the program runs
        detachStdin = stream.stdin.attach({
          write: (data) => {
            if (this.pending === run && data.length > 0) this.streams.stdin.write(encodeStdinFrame(data));
          },
          end: () => {
            if (this.pending === run) this.streams.stdin.write(STDIN_EOF_LINE);
          },
        });
      }
      if (signal.aborted) onAbort();
    });
  }

  /** Stops talking to the container (the platform removes it). */
  close(): void {
    this.breakDown('closed');
    this.streams.destroy();
  }

  private onFrame(json: Buffer): void {
    let frame: ProxyFrame;
    try {
      frame = decodeProxyFrame(json);
    } catch (error) {
      this.breakDown((error as MalformedProxyResult).message);
      return;
    }
    if (frame.kind === 'state') {
      this.onState(frame.frame);
      return;
    }
    const run = this.pending;
    if (!run || this.cleaning) {
      this.breakDown('it answered without a request');
      return;
    }
    if (frame.kind === 'output') {
      if (!run.stream) {
        this.breakDown('it sent output frames for a run that did not ask for them');
        return;
      }
      try {
        run.stream.output(frame.stream, frame.data, frame.phase);
      } catch {
        // the listener's own failure is not the worker's: the run goes on, its result still comes
      }
      return;
    }
    const { result } = frame;
    if (result.status === 'internal_error') {
      // the proxy's own failure (it exits after it): the worker is gone, the run is ours to retry
      this.breakDown(`its proxy failed: ${result.message}`);
      return;
    }
    // busy until the proxy proves the worker clean; its time is after the answer, never the run's
    const timer = setTimeout(() => this.breakDown(`not proven clean within ${this.cleanDeadlineMs} ms`), this.cleanDeadlineMs);
    this.cleaning = { timer, waiters: [] };
    run.resolve(result);
  }

  private get cleanDeadlineMs(): number {
    return this.options.cleanBudgetMs + this.options.graceMs;
  }

  private onState(frame: WorkerStateFrame): void {
    if (!this.cleaning) {
      this.breakDown(`it reported ${frame.state} without a run to clean after`);
      return;
    }
    if (frame.state === 'retired') {
      this.retiredReason = frame.reason;
      this.breakDown(`retired: ${frame.reason}`);
      return;
    }
    this.lastCleanMs = frame.cleanMs;
    this.endCleaning(true);
  }

  private endCleaning(clean: boolean): void {
    const cleaning = this.cleaning;
    if (!cleaning) return;
    this.cleaning = null;
    clearTimeout(cleaning.timer);
    for (const waiter of cleaning.waiters) waiter(clean);
  }

  private breakDown(reason: string): void {
    if (!this.brokenReason) this.brokenReason = reason;
    const run = this.pending;
    if (run) run.reject(new WorkerFailure(`worker ${this.id} failed: ${reason}`, this.id));
    this.endCleaning(false);
  }

  private lastWords(): string {
    const tail = this.stderrTail.join('').trim().split('\n').slice(-3).join(' | ');
    return tail ? ` (${tail})` : '';
  }
}
