/**
 * Our API as production runs it: `registry-api/server.ts` in its own Node process (the real catalogue,
 * builder and local platform), on a free port of 127.0.0.1. A separate process, so that the API's CPU
 * is measured apart from the bench's client, and so that its workers carry its pid as their owner.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { coderingConfig } from '../../config';
import { REPOSITORY_ROOT } from '../../factory';
import { KeyStore } from '../../registry-api/auth';
import { OWNER_PID_LABEL, KIND_LABEL, WORKER_KIND } from '../../registry-api/platform/local';
import { removeContainers } from './bench-containers';

const READY_POLL_MS = 500;
const STOP_WAIT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux this runs on (USER_HZ). */
const USER_HZ = 100;

export class ApiProcess {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly logFile: string,
    private readonly dataDir: string,
    /** `Bearer <key>` of an admin key made for this process: its capacity and metrics need one. */
    readonly adminAuthorization: string,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Starts the server with its log in `logFile` (pino's JSON lines: where a failure is explained). */
  static async start(logFile: string): Promise<ApiProcess> {
    const port = await freePort();
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = fs.openSync(logFile, 'a');
    // `node --import tsx` rather than the tsx CLI: the CLI runs the server in a grandchild, whose pid
    // (the workers' owner label, /proc/<pid>/stat) we would not know.
    // a data directory of its own: one API process per directory, and `npm run up` may hold the default
    // one; the registry's password, which lives in the default one, is handed over explicitly
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'codering-bench-api-'));
    const password = coderingConfig().factory.registryPassword;
    const keys = KeyStore.open(dataDir);
    const { secret } = keys.create({ scopes: ['admin'], name: 'bench' });
    keys.close();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'registry-api', 'server.ts')], {
      cwd: REPOSITORY_ROOT,
      env: {
        ...process.env,
        CODERING_HOST: '127.0.0.1',
        CODERING_PORT: String(port),
        CODERING_DATA_DIR: dataDir,
        // the bench measures runs, not who may send them: runs open, and no per-client limit (its
        // concurrency section is one client sending 16 runs at once, hundreds a minute)
        CODERING_AUTH: 'run-open',
        CODERING_RATE_LIMIT_PER_MINUTE: '0',
        CODERING_KEY_MAX_IN_FLIGHT: '0',
        ...(password === null ? {} : { CODERING_REGISTRY_PASSWORD: password }),
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    return new ApiProcess(child, `http://127.0.0.1:${port}`, logFile, dataDir, `Bearer ${secret}`);
  }

  /** Waits for `/readyz` (default runtimes built and their pools warm), bounded. */
  async waitReady(timeoutMs: number): Promise<number> {
    const started = Date.now();
    let last = '';
    while (Date.now() - started < timeoutMs) {
      if (this.exited) throw new Error(`the API process ended before it was ready; see ${this.logFile}`);
      try {
        const response = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
        if (response.ok) return Date.now() - started;
        last = await response.text();
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(READY_POLL_MS);
    }
    throw new Error(`the API was not ready within ${timeoutMs} ms: ${last}`);
  }

  /** CPU seconds the API process has used so far (user + system, all its threads). */
  cpuSeconds(): number {
    const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // fields after the command name (which may contain spaces) start at field 3; utime, stime are 14, 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  }

  /** Docker label filters that select this API's workers. */
  workerFilters(): string[] {
    return ['--filter', `label=${KIND_LABEL}=${WORKER_KIND}`, '--filter', `label=${OWNER_PID_LABEL}=${this.pid}`];
  }

  /**
   * Graceful stop (the server removes its workers); past the deadline, killed and its workers removed.
   * Its data directory goes too: a bench that starts several APIs would leave one per start.
   */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      // a pending deadline would keep the bench alive after its work is done: cleared either way
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    try {
      await removeContainers(this.workerFilters());
    } finally {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}
