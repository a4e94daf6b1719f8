/**
 * The API on the nuclio platform, wired as `server.ts` wires it (createRuntimeServices), against a fake
 * Nuclio dashboard and a fake image registry: no Docker client is ever made, `/readyz` is the dashboard
 * and the default runtimes' functions, runs go to the functions the dashboard names, an exercise's
 * function is deployed on first use, and a replica's 503 costs no retry.
 */

import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp, createRuntimeServices, type RuntimeServices } from '../../../registry-api';
import { loadConfig, type ConfigOverrides } from '../../../registry-api/config';
import { JobStore } from '../../../registry-api/jobs';
import { ApiMetrics } from '../../../registry-api/metrics';
import { NuclioImageSource, NuclioPlatform } from '../../../registry-api/platform/nuclio';
import { KeyStore } from '../../../registry-api/auth';
import { connectWebSocket, WebSocketRefused } from '../../../registry-api/websocket';
import { bearer, testCatalogue, waitUntil } from '../registry-api/fakes';
import { startFakeImageRegistry, type FakeImageRegistry } from './fake-image-registry';
import { startFakeNuclio, type FakeNuclio } from './fake-nuclio-server';
import { startNuclioFixture, type NuclioFixture } from './nuclio-fixture';

// Any dockerode instance made in this file fails loudly and is counted.
const dockerodeMade: string[] = [];
jest.mock('dockerode', () =>
  jest.fn(() => {
    dockerodeMade.push(new Error().stack ?? 'dockerode');
    throw new Error('a Docker client was made');
  }),
);

const silent = pino({ level: 'silent' });

interface NuclioApp {
  fixture: NuclioFixture;
  services: RuntimeServices;
  app: FastifyInstance;
  /** `Authorization: Bearer <an admin key>`: capacity, metrics and jobs are an operator's view. */
  admin: { authorization: string };
  close(): Promise<void>;
}

let t: NuclioApp;

/** The fixture's fakes, and an app wired on them by createRuntimeServices from the configuration alone. */
async function startApp(overrides: ConfigOverrides = {}): Promise<NuclioApp> {
  const fixture = await startNuclioFixture();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'codering-nuclio-'));
  const config = loadConfig({}, {
    platform: 'nuclio',
    logLevel: 'silent',
    dataDir,
    defaultRuntimes: ['python@3.13'],
    raceMode: 'single',
    ...overrides,
    nuclio: {
      dashboardUrl: fixture.fake.dashboardUrl,
      namespace: 'nuclio',
      project: 'codering',
      refreshMs: 100,
      deployTimeoutMs: 3000,
      ...overrides.nuclio,
    },
    factory: { registry: fixture.registry.host, registryPassword: 'unused', ...overrides.factory },
  });
  const catalogue = testCatalogue();
  const services = await createRuntimeServices(config, { catalogue, logger: silent });
  const store = JobStore.inDataDir(dataDir);
  const app = buildApp({ config, catalogue, builder: services.images, platform: services.platform, store, metrics: new ApiMetrics() });
  await app.ready();
  const admin = bearer(new KeyStore(store.database).create({ scopes: ['admin'], name: 'tests' }).secret);
  return {
    fixture,
    services,
    app,
    admin,
    async close() {
      await app.close();
      await services.platform.close();
      store.close();
      await fixture.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

afterEach(async () => t?.close());

async function readyz(): Promise<{ status: number; message?: string; runtimes?: Record<string, string> }> {
  const response = await t.app.inject({ url: '/readyz' });
  const body = response.json();
  return { status: response.statusCode, message: body.error?.message, runtimes: body.error?.details?.runtimes };
}

async function run(body: Record<string, unknown> = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/run',
    payload: { runtime: 'python@3', files: [{ name: 'main.py', content: 'print(input())' }], stdin: 'hi nuclio', ...body },
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

describe('wiring: the nuclio platform takes no Docker', () => {
  test('createRuntimeServices makes the dashboard`s platform and image source, and no Docker client', async () => {
    t = await startApp();
    expect(t.services.platform).toBeInstanceOf(NuclioPlatform);
    expect(t.services.images).toBeInstanceOf(NuclioImageSource);
    t.fixture.addFunction('python@3.13.5');
    await t.app.warmRuntimes(['python@3.13']);
    expect((await run()).status).toBe(200);
    expect(dockerodeMade).toEqual([]);
  });

  test('(the control: the local platform does make one, and this file would see it)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'codering-local-'));
    const config = loadConfig({}, { platform: 'local', logLevel: 'silent', dataDir });
    await expect(createRuntimeServices(config, { catalogue: testCatalogue(), logger: silent })).rejects.toThrow('a Docker client was made');
    expect(dockerodeMade).toHaveLength(1);
    dockerodeMade.length = 0;
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('/readyz on nuclio', () => {
  test('200 once the dashboard answers and the default runtime`s function is ready; follows the dashboard', async () => {
    t = await startApp();
    t.fixture.addFunction('python@3.13.5');
    await t.app.prepareRuntimes();
    expect(await readyz()).toEqual({ status: 200, message: undefined, runtimes: undefined });
    t.fixture.fake.dashboardDown = true;
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.message).toMatch(/^not ready: the Nuclio dashboard does not answer/);
    t.fixture.fake.dashboardDown = false;
    expect((await readyz()).status).toBe(200);
  });

  test('a default runtime not deployed yet says so, and the API becomes ready when infra deploys it (no restart)', async () => {
    t = await startApp();
    await t.app.prepareRuntimes();
    const missing = await readyz();
    expect(missing.status).toBe(503);
    expect(missing.runtimes?.['python@3.13']).toMatch(/^failed: python@3\.13\.5 is not deployed on this cluster/);
    t.fixture.addFunction('python@3.13.5');
    const deadline = Date.now() + 5000;
    while ((await readyz()).status !== 200) {
      if (Date.now() > deadline) throw new Error('not ready within 5 s of the function appearing');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});

describe('runs on nuclio', () => {
  test('a run goes to the function the dashboard names for the runtime', async () => {
    t = await startApp();
    const fn = t.fixture.addFunction('python@3.13.5');
    const { status, body } = await run();
    expect(status).toBe(200);
    expect(body.stdout).toBe('hi nuclio');
    expect(body.runtime).toMatchObject({ id: 'python@3.13.5', image: `${t.fixture.registry.host}/${fn.metadata.annotations['codering.org/image']}` });
    expect(t.fixture.fake.events.map((event) => event.functionName)).toEqual([fn.metadata.name]);
  });

  test('an exercise`s function is deployed on first use, once for concurrent runs, then runs', async () => {
    t = await startApp();
    t.fixture.addFunction('python@3.13.5');
    t.fixture.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'] });
    const runs = await Promise.all([run({ libraries: ['requests==2.31.0'] }), run({ libraries: ['Requests==2.31.0'] })]);
    expect(runs.map((answer) => answer.status)).toEqual([200, 200]);
    expect(runs[0]?.body.stdout).toBe('hi nuclio');
    const posts = t.fixture.fake.calls.filter((call) => call.method === 'POST');
    expect(posts).toHaveLength(1);
    const jobs = (await t.app.inject({ url: '/v1/images/jobs', headers: t.admin })).json().jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ state: 'succeeded', runtimeId: 'python@3.13.5', libraries: ['requests==2.31.0'] });
  });

  test('an exercise never pushed is 503 not_deployed, saying how to push it', async () => {
    t = await startApp();
    t.fixture.addFunction('python@3.13.5');
    const { status, body } = await run({ libraries: ['requests==2.31.0'] });
    expect(status).toBe(503);
    expect(body.error.code).toBe('not_deployed');
    expect(body.error.message).toContain("npx codering build python@3.13.5 --lib 'requests==2.31.0' --target nuclio");
  });

  test('a replica`s 503 (two pods listed, one serving) is waited out: every run served, no retry spent', async () => {
    t = await startApp({ retries: 0 });
    const fn = t.fixture.addFunction('python@3.13.5', { pods: 2 });
    fn.serving = 1;
    t.fixture.fake.eventDelayMs.set(fn.metadata.name, 150);
    await t.app.warmRuntimes(['python@3.13']);
    const runs = await Promise.all([run(), run(), run()]);
    expect(runs.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(runs.map((answer) => answer.body.race.retries)).toEqual([0, 0, 0]);
    const capacity = (await t.app.inject({ url: '/v1/capacity', headers: t.admin })).json();
    expect(capacity).toMatchObject({ platform: 'nuclio', slots: 2 });
    expect(capacity.images[0].busyAnswers).toBeGreaterThanOrEqual(1);
    const metrics = (await t.app.inject({ url: '/metrics', headers: t.admin })).body;
    expect(metrics).toMatch(/codering_race_events_total\{outcome="busy"\} [1-9]/);
    expect(metrics).not.toMatch(/outcome="retry"/);
  });
});

describe('streamed runs on nuclio: a function answers once per event', () => {
  test('POST /v1/run as events: the outputs come as events at the end, then the result', async () => {
    t = await startApp();
    t.fixture.addFunction('python@3.13.5');
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/run',
      headers: { accept: 'text/event-stream' },
      payload: { runtime: 'python@3', files: [{ name: 'main.py', content: 'print(input())' }], stdin: 'hi nuclio' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = response.body.split('\n\n').filter((block) => block !== '');
    expect(events[0]).toBe('event: stdout\ndata: {"data":"hi nuclio","phase":"run"}');
    expect(events[1]).toMatch(/^event: result\ndata: \{"status":"ok","stdout":"hi nuclio"/);
    expect(events).toHaveLength(2);
  });

  test('GET /v1/run/ws is refused with 501 interactive_unsupported: stdin goes with the event', async () => {
    t = await startApp();
    t.fixture.addFunction('python@3.13.5');
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const refused = await connectWebSocket(`${base.replace(/^http/, 'ws')}/v1/run/ws`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WebSocketRefused);
    expect((refused as WebSocketRefused).status).toBe(501);
    expect(JSON.parse((refused as WebSocketRefused).body)).toMatchObject({ error: { code: 'interactive_unsupported' } });
  });
});

describe('configuration read by the wiring', () => {
  let fake: FakeNuclio;
  let registry: FakeImageRegistry;
  afterEach(async () => {
    await fake.close();
    await registry.close();
  });

  test('CODERING_NUCLIO_* reach the platform: service invocation with a URL template, the namespace, the dashboard`s token', async () => {
    fake = await startFakeNuclio();
    registry = await startFakeImageRegistry();
    const config = loadConfig({
      CODERING_PLATFORM: 'nuclio',
      CODERING_NUCLIO_DASHBOARD_URL: fake.dashboardUrl,
      CODERING_NUCLIO_INVOKE_VIA: 'service',
      CODERING_NUCLIO_FUNCTION_URL: fake.functionUrlTemplate,
      CODERING_NUCLIO_NAMESPACE: 'students',
      CODERING_NUCLIO_DASHBOARD_TOKEN: 'd'.repeat(32),
      CODERING_REGISTRY: registry.host,
    });
    const services = await createRuntimeServices(config, { catalogue: testCatalogue(), logger: silent });
    try {
      const platform = services.platform as NuclioPlatform;
      const lease = await platform.acquire('h/codering/python:3.13.5-abc').catch((error: unknown) => error);
      // the dashboard lists no such function: refused at once, naming the namespace it looked in
      expect(String(lease)).toMatch(/nuclio function students\/codering-python-3-13-5-abc is not among the functions/);
    } finally {
      await services.platform.close();
    }
    await waitUntil(() => fake.calls.some((call) => call.headers['x-nuclio-function-namespace'] === 'students'));
    expect(fake.calls.every((call) => call.headers.authorization === `Bearer ${'d'.repeat(32)}`)).toBe(true);
  });
});
