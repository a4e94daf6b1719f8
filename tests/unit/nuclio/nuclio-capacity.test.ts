/**
 * The nuclio platform's capacity is what Nuclio really gives: a ready function takes as many events at
 * once as it has replicas × workers (read from the dashboard, refreshed), a function that is not ready
 * takes none, and a replica's 503 is "busy", never a failure. Readiness is the dashboard answering and
 * the warmed functions being ready.
 */

import { WorkerBusy } from '../../../registry-api/platform';
import { NuclioPlatform } from '../../../registry-api/platform/nuclio';
import type { FakeFunction } from './fake-nuclio-server';
import { codingError, startNuclioFixture, workerRequest, type NuclioFixture } from './nuclio-fixture';

let f: NuclioFixture;
let platform: NuclioPlatform;
let fn: FakeFunction;
let image: string;


async function setUp(pods: number): Promise<void> {
  f = await startNuclioFixture();
  fn = f.addFunction('python@3.13.5', { pods });
  platform = new NuclioPlatform({
    namespace: 'nuclio',
    invokeVia: 'dashboard',
    dashboardUrl: f.fake.dashboardUrl,
    functions: f.functions,
    defaultSlots: 99, // not used: the dashboard's replicas are
    queueMax: 4,
    acquireTimeoutMs: 1000,
    runMarginMs: 500,
    invokeTimeoutMs: 10_000,
  });
  image = (await f.source.findImage({ runtime: 'python@3', libraries: [] }))?.reference ?? 'missing';
}

afterEach(async () => {
  await platform.close();
  await f.close();
});

describe('slots are replicas × workers, as the dashboard reports them', () => {
  test('a ready function with 3 pods has 3 slots, whatever warm was asked; a refresh follows the pods', async () => {
    await setUp(3);
    await platform.warm(image, 2);
    expect(platform.capacity()).toMatchObject({
      platform: 'nuclio',
      slots: 3,
      slotsInUse: 0,
      limits: { maxWorkers: 3 },
      images: [{ image, idle: 3, busy: 0, target: 3, replicas: 3, busyAnswers: 0 }],
    });
    expect(f.fake.calls.some((call) => call.path === `/api/functions/${fn.metadata.name}/replicas`)).toBe(true);

    fn.replicas = fn.replicas.slice(0, 1);
    await f.functions.refresh();
    expect(platform.capacity()).toMatchObject({ slots: 1, images: [{ replicas: 1, target: 1 }] });

    // two workers per replica (an HTTP trigger's numWorkers) double the slots
    (fn.spec.triggers as { http: { numWorkers: number } }).http.numWorkers = 2;
    await f.functions.refresh();
    expect(platform.capacity().slots).toBe(2);
  });

  test('leases up to the slots, queues the next run, refuses a spare when none is free', async () => {
    await setUp(2);
    await platform.warm(image, 1);
    const a = await platform.acquire(image);
    const b = await platform.acquire(image);
    expect((await codingError(platform.acquire(image, undefined, { spare: true }))).code).toBe('queue_full');
    const queued = platform.acquire(image);
    expect(platform.capacity()).toMatchObject({ slotsInUse: 2, waiting: 1 });
    a.release(true);
    const c = await queued;
    b.release(true);
    c.release(true);
    expect(platform.capacity()).toMatchObject({ slotsInUse: 0, waiting: 0 });
  });

  test('a function that is not ready takes no run: not_ready at once, with Retry-After, until it is ready again', async () => {
    await setUp(2);
    await platform.warm(image, 1);
    fn.status = { state: 'unhealthy', message: 'no replica available' };
    await f.functions.refresh();
    expect(platform.capacity().slots).toBe(0);
    const started = Date.now();
    const error = await codingError(platform.acquire(image));
    expect(Date.now() - started).toBeLessThan(200);
    expect(error).toMatchObject({ code: 'not_ready', status: 503, retryAfterSeconds: 5 });
    expect(error.message).toBe(`nuclio function nuclio/${fn.metadata.name} is unhealthy (no replica available): it takes no event now`);
    fn.status = { state: 'ready' };
    await f.functions.refresh();
    (await platform.acquire(image)).release(true);
  });

  test('a run waiting for a slot is served when a refresh finds more replicas (up to maxReplicas)', async () => {
    await setUp(1);
    await platform.warm(image, 1);
    const held = await platform.acquire(image);
    const waiting = platform.acquire(image);
    // a surge pod of a rolling update is not a slot: pods count up to maxReplicas
    fn.replicas = [...fn.replicas, 'nuclio-surge-pod'];
    await f.functions.refresh();
    expect(platform.capacity().slots).toBe(1);
    // the autoscaler's second replica is
    fn.spec.maxReplicas = 2;
    await f.functions.refresh();
    expect(platform.capacity().slots).toBe(2);
    (await waiting).release(true);
    held.release(true);
  });
});

describe('a busy replica (503) is busy, not a failure', () => {
  test('two slots counted, one replica serving (a rollout): the second call is WorkerBusy, its slot held a moment', async () => {
    await setUp(2);
    fn.serving = 1;
    f.fake.eventDelayMs.set(fn.metadata.name, 300);
    await platform.warm(image, 1);
    const leases = [await platform.acquire(image), await platform.acquire(image)];
    const runs = leases.map((lease) =>
      lease.worker
        .run(workerRequest, new AbortController().signal)
        .then(
          (result) => result.status,
          (error: unknown) => error,
        )
        .finally(() => lease.release(true)),
    );
    // the busy answer comes at once; its slot stays taken a moment, the other runs on
    const first = await Promise.race(runs);
    expect(first).toBeInstanceOf(WorkerBusy);
    expect((first as WorkerBusy).message).toMatch(/HTTP 503: every worker of the replica is busy/);
    expect(platform.capacity().images[0]).toMatchObject({ busyAnswers: 1, busy: 2, idle: 0 });
    expect((await Promise.all(runs)).filter((outcome) => outcome === 'ok')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platform.capacity().images[0]).toMatchObject({ busy: 0, idle: 2 });
  });
});

describe('readiness', () => {
  test('ready when the dashboard answers and every warmed function is ready; it follows both, live', async () => {
    await setUp(1);
    expect(await platform.ready()).toBe(true); // nothing warmed yet: the dashboard answering is enough
    await platform.warm(image, 1);
    expect(await platform.ready()).toBe(true);
    f.fake.dashboardDown = true;
    expect(await platform.ready()).toBe(false);
    f.fake.dashboardDown = false;
    expect(await platform.ready()).toBe(true);
    fn.status = { state: 'building' };
    expect(await platform.ready()).toBe(false);
    fn.status = { state: 'ready' };
    expect(await platform.ready()).toBe(true);
  });

  test('warm rejects with not_ready for a function that is not ready, and with the dashboard`s error when it is down', async () => {
    await setUp(1);
    fn.status = { state: 'error', message: 'image pull back-off' };
    await f.functions.refresh();
    expect((await codingError(platform.warm(image, 1))).message).toMatch(/is error \(image pull back-off\)/);
    f.fake.dashboardDown = true;
    expect((await codingError(platform.warm(image, 1))).code).toBe('engine_unavailable');
  });
});

test('an image handed out before a redeploy still finds its function', async () => {
  await setUp(1);
  fn.spec.image = `${f.registry.host}/codering/python-nuclio@sha256:${'f'.repeat(64)}`;
  await f.functions.refresh();
  expect(platform.functionFor(image).name).toBe(fn.metadata.name);
  expect(platform.functionFor(fn.spec.image as string).name).toBe(fn.metadata.name);
});
