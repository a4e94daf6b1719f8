/**
 * The API end to end on this machine: the real catalogue, the real builder (an image found or built),
 * the real local platform with warm hardened workers, the real SQLite file, over a real socket.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createImageBuilder } from '../../../factory/builder';
import { loadCatalogue } from '../../../factory/catalogue';
import { buildApp } from '../../../registry-api';
import { loadConfig } from '../../../registry-api/config';
import { JobStore } from '../../../registry-api/jobs';
import { ApiMetrics } from '../../../registry-api/metrics';
import { createLocalPlatform } from '../../../registry-api/platform/local';
import type { Platform } from '../../../registry-api/platform';
import { contractErrors, publishedRunAnswer } from '../../unit/registry-api/fakes';



/** A runtime whose image this machine builds in a few minutes at worst (bookworm root, cached after). */
const RUNTIME = 'python@3.11';

jest.setTimeout(15 * 60_000);

describe('registry API on the local platform', () => {
  let app: FastifyInstance;
  let platform: Platform;
  let store: JobStore;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'codering-api-local-'));
    const config = loadConfig({}, { logLevel: 'silent', dataDir, warmFloor: 2, buildWaitMs: 14 * 60_000 });
    const catalogue = loadCatalogue();
    const local = createLocalPlatform({ warmFloor: 2, maxWorkers: 4, queueMax: 8, acquireTimeoutMs: 60_000 });
    await local.start();
    platform = local;
    store = JobStore.inDataDir(dataDir);
    app = buildApp({ config, catalogue, builder: createImageBuilder({ catalogue }), platform, store, metrics: new ApiMetrics() });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // Builds (or finds) the image and starts its pool; readiness follows.
    await app.warmRuntimes([RUNTIME]);
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
    store?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const run = async (body: Record<string, unknown>) => {
    const response = await fetch(`${base}/v1/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runtime: RUNTIME, ...body }),
    });
    return { status: response.status, body: (await response.json()) as any };  // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  test('ready once the runtime is warm (workers start in the background)', async () => {
    const deadline = Date.now() + 60_000;
    let body: unknown;
    do {
      body = await (await fetch(`${base}/readyz`)).json();
      if ((body as { status?: string }).status === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } while (Date.now() < deadline);
    expect(body).toEqual({ status: 'ready' });
  });

  test('hello world', async () => {
    const { status, body } = await run({ files: [{ name: 'main.py', content: 'print("hello, world")' }] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', stdout: 'hello, world\n', exitCode: 0 });
    expect(body.usage.cpuMs).toBeGreaterThanOrEqual(0);
    expect(body.usage.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(body.runtime.id).toBe('python@3.11.2');
    expect(body.race.mode).toBe('pair');
    expect(body.timings.totalMs).toBeGreaterThan(0);
  });

  test('a real answer keeps the contract published at /docs/json', async () => {
    const validate = publishedRunAnswer(await (await fetch(`${base}/docs/json`)).json());
    const { status, body } = await run({ files: [{ name: 'main.py', content: 'import sys\nprint("out")\nsys.exit(3)' }] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'runtime_error', exitCode: 3, stdout: 'out\n' });
    expect(contractErrors(validate, body)).toEqual([]);
  });

  test('stdin and args reach the program', async () => {
    const program = 'import sys\nprint(sys.stdin.read().upper(), sys.argv[1:])';
    const { body } = await run({ files: [{ name: 'main.py', content: program }], stdin: 'abc', args: ['x', 'y z'] });
    expect(body.stdout).toBe("ABC ['x', 'y z']\n");
  });

  test('a runtime error is a 200 with its status and traceback', async () => {
    const { status, body } = await run({ files: [{ name: 'main.py', content: 'raise ValueError("boom")' }] });
    expect(status).toBe(200);
    expect(body.status).toBe('runtime_error');
    expect(body.exitCode).toBe(1);
    expect(body.stderr).toMatch(/ValueError: boom/);
    expect(body.race.retries).toBe(0);
  });

  test('a bad request is a 4xx and no worker is used', async () => {
    const { status, body } = await run({ files: [{ name: '../escape.py', content: '' }] });
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_file_name');
  });
});
