/**
 * A platform of scripted workers: each `run` takes the next script (answer after X ms, fail, hang,
 * answer internal_error…), so every path of the race can be acted out without Docker.
 */

import { CoderingError } from '../../../../errors';
import {
  WorkerBusy,
  WorkerFailure,
  type AcquireOptions,
  type CapacityReport,
  type Lease,
  type Platform,
  type PoolStats,
  type ProxyResult,
  type RunStream,
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
  /** Rejects with WorkerBusy: the worker refused the request (a Nuclio replica's 503). */
  busy?: boolean;
  /** Never answers unless aborted. */
  hang?: boolean;
  /** What an abort does: answer `cancelled` (default), fail, or nothing at all. */
  onAbort?: 'cancelled' | 'fail' | 'ignore';
  /** A streamed run's output, each chunk `atMs` after the run starts (before the answer, at `delayMs`). */
  chunks?: { stream?: 'stdout' | 'stderr'; phase?: 'compile' | 'run'; data: string | Buffer; atMs: number }[];
  /** A streamed run's interactive stdin: each piece is written back on stdout; its end is the answer. */
  echoStdin?: boolean;
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
  /** The stream of each streamed run, in order. */
  readonly streams: RunStream[] = [];
  readonly aborts: string[] = [];
  readonly warmed: string[] = [];
  acquireCalls = 0;
  /** Leases granted at once; further acquires wait until one is released (or reject when queue is full). */
  leasesAtOnce = Infinity;
  /** Acquires waiting beyond `leasesAtOnce` before `queue_full`. */
  queueMax = Infinity;
  /** The platform's one limit on a wait for a lease: then `queue_full`, as the local platform answers. */
  acquireTimeoutMs = Infinity;
  /** The `coldStartMs` every lease reports (null: warm workers). */
  coldStartMs: number | null = null;
  /** Counters `stats()` adds to its one image (cold starts, evictions…). */
  imageStats: Partial<PoolStats> = {};
  /** Per acquire call (by order), whether it asked for a spare. */
  readonly spareRequests: boolean[] = [];
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

  async acquire(image: string, signal?: AbortSignal, options: AcquireOptions = {}): Promise<Lease> {
    const call = this.acquireCalls++;
    this.spareRequests.push(options.spare === true);
    const delay = this.acquireDelays[call] ?? 0;
    if (delay > 0) await abortableDelay(delay, signal);
    const waitStarted = performance.now();
    while (this.active >= this.leasesAtOnce) {
      if (options.spare === true) {
        throw new CoderingError('queue_full', `no spare worker of ${image} is free now`, { image, spare: true }, { retryAfterSeconds: 1 });
      }
      if (this.waiting.length >= this.queueMax) {
        throw new CoderingError('queue_full', `too many runs waiting for ${image}`, { image }, { retryAfterSeconds: 2 });
      }
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const left = this.acquireTimeoutMs - (performance.now() - waitStarted);
        const timer = Number.isFinite(left)
          ? setTimeout(() => {
              this.waiting.splice(this.waiting.indexOf(wake), 1);
              reject(new CoderingError('queue_full', `no worker for ${image} became free within ${this.acquireTimeoutMs} ms`, { image, waitedMs: this.acquireTimeoutMs }, { retryAfterSeconds: 1 }));
            }, Math.max(0, left))
          : undefined;
        this.waiting.push(wake);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          const index = this.waiting.indexOf(wake);
          if (index >= 0) this.waiting.splice(index, 1);
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
      coldStartMs: this.coldStartMs,
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
    return [{ image: 'fake:1', idle: 1, busy: this.active, starting: 0, waiting: this.waiting.length, ...this.imageStats }];
  }

  capacity(): CapacityReport {
    const images = this.stats();
    const finite = (value: number): number => (Number.isFinite(value) ? value : 0);
    return {
      platform: 'local',
      slots: finite(this.leasesAtOnce),
      slotsInUse: this.active,
      running: this.active,
      limits: { maxWorkers: finite(this.leasesAtOnce), memoryBytes: null, workerMemoryBytes: null, sandboxUids: null, maxRunning: finite(this.leasesAtOnce) },
      waiting: this.waiting.length,
      queueMax: finite(this.queueMax),
      images,
    };
  }

  async close(): Promise<void> {}

  /** Milliseconds since the platform was made, of each run's start. */
  private makeWorker(image: string): Worker {
    const id = `w${this.nextWorker++}`;
    return {
      id,
      image: `${image}@sha256:fake`,
      run: (request, signal, stream) => {
        this.requests.push(request);
        this.runStarts.push(performance.now() - this.started);
        const script = this.scripts.shift() ?? {};
        if (stream !== undefined) this.streams.push(stream);
        return runScript(id, script, signal, () => this.aborts.push(id), stream);
      },
    };
  }
}

function runScript(id: string, script: WorkerScript, signal: AbortSignal, onAbort: () => void, stream?: RunStream): Promise<ProxyResult> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const chunkTimers = (script.chunks ?? []).map((chunk) =>
      setTimeout(() => stream?.output(chunk.stream ?? 'stdout', Buffer.from(chunk.data), chunk.phase ?? 'run'), chunk.atMs),
    );
    signal.addEventListener('abort', () => chunkTimers.forEach(clearTimeout), { once: true });
    if (script.echoStdin === true && stream?.stdin !== undefined) {
      const echoed: Buffer[] = [];
      let attached = true;
      const detach = (): void => {
        attached = false;
        release();
      };
      const release = stream.stdin.attach({
        write: (data) => {
          if (!attached) return;
          echoed.push(data);
          stream.output('stdout', data, 'run');
        },
        end: () => {
          if (!attached) return;
          attached = false;
          signal.removeEventListener('abort', abort);
          resolve(okResult({ ...script.result, stdout: Buffer.concat(echoed).toString('utf8') }));
        },
      });
      signal.addEventListener('abort', detach, { once: true });
    } else if (!script.hang) {
      timer = setTimeout(() => {
        signal.removeEventListener('abort', abort);
        if (script.busy === true) reject(new WorkerBusy('HTTP 503: every worker of the replica is busy', id));
        else if (script.fail !== undefined) reject(new WorkerFailure(script.fail, id));
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
