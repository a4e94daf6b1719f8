import { isCoderingError } from '../../../errors';
import { NuclioPlatform, type NuclioPlatformOptions } from '../../../registry-api/platform/nuclio';
import { WorkerBusy, WorkerFailure } from '../../../registry-api/platform';
import { startFakeNuclio, type FakeNuclio } from './fake-nuclio-server';
import { workerRequest } from './nuclio-fixture';

const IMAGE = '127.0.0.1:5000/codering/python:3.11.2';
const FUNCTION = 'codering-python-3-11-2';

const request = workerRequest;

let fake: FakeNuclio;
let platform: NuclioPlatform;

function options(overrides: Partial<NuclioPlatformOptions> = {}): NuclioPlatformOptions {
  return {
    namespace: 'codering',
    invokeVia: 'service',
    functionUrlTemplate: fake.functionUrlTemplate,
    defaultSlots: 2,
    queueMax: 1,
    acquireTimeoutMs: 2000,
    runMarginMs: 500,
    invokeTimeoutMs: 30_000,
    probeTimeoutMs: 500,
    maxResponseBytes: 1024 * 1024,
    ...overrides,
  };
}

async function runOnce(image = IMAGE, signal = new AbortController().signal) {
  const lease = await platform.acquire(image);
  try {
    return await lease.worker.run(request, signal);
  } finally {
    lease.release(true);
  }
}

async function failureOf(promise: Promise<unknown>): Promise<WorkerFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkerFailure);
  return error as WorkerFailure;
}

beforeEach(async () => {
  fake = await startFakeNuclio();
  platform = new NuclioPlatform(options());
});

afterEach(async () => {
  await platform.close();
  await fake.close();
});

describe('NuclioPlatform over the service URL', () => {
  it('posts the framed proxy request to the image`s function and decodes the result', async () => {
    const result = await runOnce();
    expect(result).toMatchObject({ status: 'ok', exitCode: 0, stdout: 'hello nuclio', wallMs: 12 });
    expect(fake.events).toHaveLength(1);
    const [event] = fake.events;
    expect(event?.functionName).toBe(FUNCTION);
    expect(event?.body.toString('utf8')).toMatch(/^codering\/1\n/);
    // Nuclio's shell runtime would turn this header into the handler's arguments.
    expect(event?.headers['x-nuclio-arguments']).toBeUndefined();
  });

  it('turns a busy answer (503) into WorkerBusy, not a failure, and holds the slot a moment', async () => {
    fake.behaviours.set(FUNCTION, 'busy');
    const lease = await platform.acquire(IMAGE);
    const error = await lease.worker.run(request, new AbortController().signal).catch((caught: unknown) => caught);
    lease.release(true);
    expect(error).toBeInstanceOf(WorkerBusy);
    expect(error).not.toBeInstanceOf(WorkerFailure);
    expect((error as WorkerBusy).message).toMatch(/HTTP 503: every worker of the replica is busy/);
    expect((error as WorkerBusy).workerId).toBe(`${FUNCTION}/0`);
    expect(platform.stats()).toEqual([{ image: IMAGE, idle: 1, busy: 1, starting: 0, waiting: 0, busyAnswers: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platform.stats()[0]).toMatchObject({ idle: 2, busy: 0 });
  });

  it.each([
    ['timeout', /HTTP 408: the event timed out/],
    ['fail', /HTTP 500: the handler failed: Failed to run shell command/],
    ['malformed', /malformed proxy result: not JSON/],
    ['huge', /larger than 1048576 bytes/],
  ] as const)('turns a %s answer into a WorkerFailure', async (behaviour, message) => {
    fake.behaviours.set(FUNCTION, behaviour);
    const failure = await failureOf(runOnce());
    expect(failure.message).toMatch(message);
    expect(failure.workerId).toMatch(new RegExp(`^${FUNCTION}/\\d$`));
  });

  it('gives up at the run`s deadline: compile + wall + margin', async () => {
    fake.behaviours.set(FUNCTION, 'hang');
    const started = Date.now();
    const failure = await failureOf(runOnce());
    expect(failure.message).toMatch(/no answer within 2500 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
  });

  it('caps the deadline at invokeTimeoutMs', async () => {
    await platform.close();
    platform = new NuclioPlatform(options({ invokeTimeoutMs: 300 }));
    fake.behaviours.set(FUNCTION, 'hang');
    expect((await failureOf(runOnce())).message).toMatch(/no answer within 300 ms/);
  });

  it('is a WorkerFailure when nothing listens', async () => {
    await platform.close();
    platform = new NuclioPlatform(options({ functionUrlTemplate: 'http://127.0.0.1:1/{name}/' }));
    expect((await failureOf(runOnce())).message).toMatch(/the call failed/);
  });

  it('cancels by aborting the HTTP call, answers `cancelled`, and holds the slot while Nuclio finishes', async () => {
    fake.behaviours.set(FUNCTION, 'hang');
    const lease = await platform.acquire(IMAGE);
    const controller = new AbortController();
    const running = lease.worker.run(request, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const result = await running;
    expect(result.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.abandoned).toBe(1);
    lease.release(true);
    expect(platform.stats()).toEqual([{ image: IMAGE, idle: 1, busy: 1, starting: 0, waiting: 0, busyAnswers: 0 }]);
  });

  it('answers `cancelled` at once for a signal already aborted', async () => {
    const lease = await platform.acquire(IMAGE);
    const result = await lease.worker.run(request, AbortSignal.abort());
    lease.release(true);
    expect(result.status).toBe('cancelled');
    expect(fake.events).toHaveLength(0);
  });
});

describe('slots (virtual workers)', () => {
  it('leases up to the function`s slots, queues one more, and refuses past the queue', async () => {
    const a = await platform.acquire(IMAGE);
    const b = await platform.acquire(IMAGE);
    expect(new Set([a.worker.id, b.worker.id])).toEqual(new Set([`${FUNCTION}/0`, `${FUNCTION}/1`]));
    const queued = platform.acquire(IMAGE);
    const refused = await platform.acquire(IMAGE).catch((error: unknown) => error);
    expect(isCoderingError(refused) && refused.code).toBe('queue_full');
    expect(platform.stats()).toEqual([{ image: IMAGE, idle: 0, busy: 2, starting: 0, waiting: 1, busyAnswers: 0 }]);
    a.release(false);
    a.release(false); // twice is harmless
    const c = await queued;
    expect(c.worker.id).toBe(`${FUNCTION}/0`);
    b.release(true);
    c.release(true);
    expect(platform.stats()[0]).toMatchObject({ idle: 2, busy: 0, waiting: 0 });
  });

  it('stops waiting when the caller aborts or the wait is too long', async () => {
    await platform.close();
    platform = new NuclioPlatform(options({ defaultSlots: 1, queueMax: 5, acquireTimeoutMs: 200 }));
    const held = await platform.acquire(IMAGE);
    const controller = new AbortController();
    const waiting = platform.acquire(IMAGE, controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    const timedOut = await platform.acquire(IMAGE).catch((error: unknown) => error);
    expect(isCoderingError(timedOut) && timedOut.code).toBe('queue_full');
    held.release(true);
  });

  it('warm sets the number of slots and checks the function answers', async () => {
    await platform.warm(IMAGE, 3);
    expect(platform.stats()[0]).toMatchObject({ idle: 3 });
    expect(await platform.ready()).toBe(true);
    fake.behaviours.set(FUNCTION, 'down');
    expect(await platform.ready()).toBe(false);
    const other = '127.0.0.1:5000/codering/node:20.19.0';
    await expect(platform.warm(other, 1)).resolves.toBeUndefined();
    fake.behaviours.set('codering-node-20-19-0', 'down');
    await expect(platform.warm(other, 1)).rejects.toThrow(/not ready/);
  });

  it('close rejects waiters and later leases', async () => {
    await platform.close();
    platform = new NuclioPlatform(options({ defaultSlots: 1 }));
    await platform.acquire(IMAGE);
    const waiting = platform.acquire(IMAGE);
    await platform.close();
    await expect(waiting).rejects.toThrow(/closing/);
    await expect(platform.acquire(IMAGE)).rejects.toThrow(/closing/);
    expect(await platform.ready()).toBe(false);
  });
});

describe('NuclioPlatform through the dashboard', () => {
  beforeEach(async () => {
    await platform.close();
    platform = new NuclioPlatform(options({ invokeVia: 'dashboard', dashboardUrl: fake.dashboardUrl }));
  });

  it('names the function, its namespace and the timeout in headers', async () => {
    const result = await runOnce();
    expect(result.stdout).toBe('hello nuclio');
    const headers = fake.events[0]?.headers ?? {};
    expect(headers['x-nuclio-function-name']).toBe(FUNCTION);
    expect(headers['x-nuclio-function-namespace']).toBe('codering');
    expect(headers['x-nuclio-invoke-timeout']).toBe('2500ms');
  });

  it('relays a busy function as WorkerBusy and reads readiness from the function`s state', async () => {
    fake.behaviours.set(FUNCTION, 'busy');
    await expect(runOnce()).rejects.toThrow(WorkerBusy);
    await platform.warm(IMAGE, 2);
    expect(await platform.ready()).toBe(true);
    fake.behaviours.set(FUNCTION, 'down');
    expect(await platform.ready()).toBe(false);
  });

  it('carries the dashboard`s token (CODERING_NUCLIO_DASHBOARD_TOKEN) on invocations and probes', async () => {
    await platform.close();
    const token = 't'.repeat(40);
    platform = new NuclioPlatform(options({ invokeVia: 'dashboard', dashboardUrl: fake.dashboardUrl, dashboardToken: token }));
    await runOnce();
    expect(fake.events[0]?.headers.authorization).toBe(`Bearer ${token}`);
    await platform.warm(IMAGE, 1);
    expect(fake.calls.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('needs a dashboard URL', () => {
    expect(() => new NuclioPlatform(options({ invokeVia: 'dashboard' }))).toThrow(/no dashboardUrl/);
  });
});
