/**
 * A platform of scripted workers: each `run` takes the next script (answer after X ms, fail, hang,
 * answer internal_error…), so every path of the race can be acted out without Docker.
 */

import { CoderingError } from '../../../../errors';
import {
  WorkerFailure,
  type Lease,
  type Platform,
  type PoolStats,
  type ProxyResult,
  type Worker,
  type WorkerRequest,
} from '../../../../registry-api/platform';

export interface WorkerScript {
  /** Time before the answer (or the failure). */
  delayMs?: number;
  /** Fields of the answer; default: status ok, stdout "hello\n". */
  result?: Partial<ProxyResult>;
  /** Rejects with a WorkerFailure with this message. */
  fail?: string;
  /** Never answers unless aborted. */
  hang?: boolean;
  /** What an abort does: answer `cancelled` (default), fail, or nothing at all. */
  onAbort?: 'cancelled' | 'fail' | 'ignore';
}

export interface LeaseRecord {
  workerId: string;
  released: boolean;
  healthy?: boolean;
}

export function okResult(overrides: Partial<ProxyResult> = {}): ProxyResult {
  return {
    status: 'ok',
    exitCode: 0,
    signal: null,
    stdout: 'hello\n',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    compile: null,
    wallMs: 12,
    cpuMs: 10,
    memoryBytes: 1024,
    message: '',
    ...overrides,
  };
}

export class FakePlatform implements Platform {
  readonly name = 'local' as const;
  readonly scripts: WorkerScript[] = [];
  readonly leases: LeaseRecord[] = [];
  readonly requests: WorkerRequest[] = [];
  readonly runStarts: number[] = [];
  readonly aborts: string[] = [];
  readonly warmed: string[] = [];
  acquireCalls = 0;
  /** Leases granted at once; further acquires wait until one is released (or reject when queue is full). */
  capacity = Infinity;
  /** Acquires waiting beyond capacity before `queue_full`. */
  queueMax = Infinity;
  /** Per acquire call (by order), a delay before the lease is granted. */
  acquireDelays: number[] = [];
  isReady = true;
  private readonly waiting: (() => void)[] = [];
  private nextWorker = 1;
  private readonly started = performance.now();

  script(...scripts: WorkerScript[]): this {
    this.scripts.push(...scripts);
    return this;
  }

  get active(): number {
    return this.leases.filter((lease) => !lease.released).length;
  }

  async acquire(image: string, signal?: AbortSignal): Promise<Lease> {
    const call = this.acquireCalls++;
    const delay = this.acquireDelays[call] ?? 0;
    if (delay > 0) await abortableDelay(delay, signal);
    while (this.active >= this.capacity) {
      if (this.waiting.length >= this.queueMax) {
        throw new CoderingError('queue_full', `too many runs waiting for ${image}`, { image }, { retryAfterSeconds: 2 });
      }
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => resolve();
        this.waiting.push(wake);
        signal?.addEventListener('abort', () => {
          this.waiting.splice(this.waiting.indexOf(wake), 1);
          reject(new Error('lease request aborted'));
        });
      });
    }
    if (signal?.aborted) throw new Error('lease request aborted');
    const worker = this.makeWorker(image);
    const record: LeaseRecord = { workerId: worker.id, released: false };
    this.leases.push(record);
    return {
      worker,
      release: (healthy) => {
        if (record.released) throw new Error(`lease of ${worker.id} released twice`);
        record.released = true;
        record.healthy = healthy;
        this.waiting.shift()?.();
      },
    };
  }

  async warm(image: string): Promise<void> {
    this.warmed.push(image);
  }

  async ready(): Promise<boolean> {
    return this.isReady;
  }

  stats(): PoolStats[] {
    return [{ image: 'fake:1', idle: 1, busy: this.active, starting: 0, waiting: this.waiting.length }];
  }

  async close(): Promise<void> {}

  /** Milliseconds since the platform was made, of each run's start. */
  private makeWorker(image: string): Worker {
    const id = `w${this.nextWorker++}`;
    return {
      id,
      image: `${image}@sha256:fake`,
      run: (request, signal) => {
        this.requests.push(request);
        this.runStarts.push(performance.now() - this.started);
        const script = this.scripts.shift() ?? {};
        return runScript(id, script, signal, () => this.aborts.push(id));
      },
    };
  }
}

function runScript(id: string, script: WorkerScript, signal: AbortSignal, onAbort: () => void): Promise<ProxyResult> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    if (!script.hang) {
      timer = setTimeout(() => {
        signal.removeEventListener('abort', abort);
        if (script.fail !== undefined) reject(new WorkerFailure(script.fail, id));
        else resolve(okResult(script.result));
      }, script.delayMs ?? 0);
    }
    function abort(): void {
      onAbort();
      clearTimeout(timer);
      const reaction = script.onAbort ?? 'cancelled';
      if (reaction === 'cancelled') resolve(okResult({ status: 'cancelled', stdout: '', exitCode: null }));
      else if (reaction === 'fail') reject(new WorkerFailure('could not cancel', id));
    }
    signal.addEventListener('abort', abort, { once: true });
  });
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('lease request aborted'));
    });
  });
}
