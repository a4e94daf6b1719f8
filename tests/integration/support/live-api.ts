import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createImageBuilder } from '../../../factory/builder';
import { loadCatalogue } from '../../../factory/catalogue';
import { buildApp } from '../../../registry-api';
import type { CaseAnswer } from '../../../registry-api/contract';
import { KeyStore } from '../../../registry-api/auth';
import { loadConfig, type CoderingConfig } from '../../../registry-api/config';
import { JobStore } from '../../../registry-api/jobs';
import { ApiMetrics } from '../../../registry-api/metrics';
import { createLocalPlatform, type LocalPlatform, type LocalPlatformOptions } from '../../../registry-api/platform/local';

/** The API as users meet it: real catalogue, builder, local platform, SQLite file, over a socket. */
export interface LiveApi {
  app: FastifyInstance;
  platform: LocalPlatform;
  base: string;
  /** Its data directory: the database file `codering keys --data-dir` opens beside it. */
  dataDir: string;
  /** The keys of its database. */
  keys: KeyStore;
  /** `Authorization: Bearer <an admin key>`: builds, jobs, capacity, metrics, keys. */
  admin: { authorization: string };
  /** `POST /v1/run`, with these headers (a key) or none. */
  run(body: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: RunBody }>;
  close(): Promise<void>;
}

/** The fields of a run's answer the tests read. */
export interface RunBody {
  status: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  stdoutTruncated: boolean;
  compile?: { stdout: string; stderr: string; exitCode: number | null } | null;
  runtime: { id: string; image: string };
  race: { mode: string; workers: number; winner: number; fallback: boolean; retries: number };
  timings: { totalMs: number; queueMs: number; coldStart: boolean; coldStartMs: number; compileMs: number; runMs: number };
  /** A judged run's (`tests`). */
  cases?: CaseAnswer[];
  summary?: { passed: number; failed: number; total: number };
  error?: { code: string; message: string };
}

export interface LiveApiOptions {
  /** Built (if need be) and kept warm at their floor; the API's readiness waits for them. */
  runtimes: string[];
  warmFloor?: number;
  maxWorkers?: number;
  config?: Partial<CoderingConfig>;
  /** The local platform's other settings (its line, its waits, its warm targets). */
  platform?: Partial<LocalPlatformOptions>;
}

export async function startLiveApi(options: LiveApiOptions): Promise<LiveApi> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'codering-live-api-'));
  const warmFloor = options.warmFloor ?? 2;
  // No per-client limit unless a test sets one: these tests stand for a whole class behind one
  // address and measure the platform; the limits have tests of their own.
  const limits = { rateLimitPerMinute: 0, keyMaxInFlight: 0 };
  const config = loadConfig({}, { logLevel: 'silent', dataDir, warmFloor, buildWaitMs: 20 * 60_000, ...limits, ...options.config });
  const catalogue = loadCatalogue();
  const platform = createLocalPlatform({
    warmFloor,
    maxWorkers: options.maxWorkers ?? warmFloor * options.runtimes.length + 2,
    queueMax: 16,
    acquireTimeoutMs: 60_000,
    ...options.platform,
  });
  await platform.start();
  const store = JobStore.inDataDir(dataDir);
  const keys = new KeyStore(store.database);
  const admin = { authorization: `Bearer ${keys.create({ scopes: ['admin'], name: 'tests' }).secret}` };
  const app = buildApp({ config, catalogue, builder: createImageBuilder({ catalogue }), platform, store, metrics: new ApiMetrics() });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  await app.warmRuntimes(options.runtimes);
  const deadline = Date.now() + 120_000;
  while (!(await platform.ready()) || platform.stats().some((pool) => pool.idle + pool.busy < 1)) {
    if (Date.now() > deadline) throw new Error(`workers not warm: ${JSON.stringify(platform.stats())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    app,
    platform,
    base,
    dataDir,
    keys,
    admin,
    async run(body, headers = {}) {
      const response = await fetch(`${base}/v1/run`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as RunBody };
    },
    async close() {
      await app.close();
      await platform.close();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
