import { raceAttempt, RunAborted } from '../../../registry-api/executor';
import type { RunLimits } from '../../../registry-api/platform';
import { FakePlatform, hello, makeTestApp, type TestApp, waitUntil } from './fakes';

let t: TestApp;
afterEach(async () => t.close());

async function run(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await t.app.inject({ method: 'POST', url: '/v1/run', payload: { ...hello, ...body }, headers });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

const allReleased = (): boolean => t.platform.leases.every((lease) => lease.released);

describe('pair mode', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  test('the first answer wins; the loser is cancelled and released healthy', async () => {
    t.platform.script({ delayMs: 5, result: { stdout: 'first\n' } }, { delayMs: 500, result: { stdout: 'second\n' } });
    const { status, body } = await run();
    expect(status).toBe(200);
    expect(body.stdout).toBe('first\n');
    expect(body.race).toEqual({ mode: 'pair', requested: 'pair', workers: 2, winner: 1, fallback: false, retries: 0 });
    expect(body.runtime).toMatchObject({ id: 'python@3.13.5', digest: 'sha256:0123' });
    expect(body.usage).toEqual({ cpuMs: 10, memoryBytes: 1024 });
    expect(t.platform.aborts).toEqual(['w2']);
    await waitUntil(allReleased);
    expect(t.platform.leases.map((lease) => lease.healthy)).toEqual([true, true]);
  });

  test('the second worker wins when it answers first', async () => {
    t.platform.script({ delayMs: 300 }, { delayMs: 5, result: { stdout: 'fast\n' } });
    const { body } = await run();
    expect(body.stdout).toBe('fast\n');
    expect(body.race.winner).toBe(2);
    expect(t.platform.aborts).toEqual(['w1']);
  });

  test('one worker fails: the other answers, with fallback, and the failed one is released unhealthy', async () => {
    t.platform.script({ delayMs: 2, fail: 'container died' }, { delayMs: 30, result: { stdout: 'survivor\n' } });
    const { status, body } = await run();
    expect(status).toBe(200);
    expect(body.stdout).toBe('survivor\n');
    expect(body.race).toMatchObject({ winner: 2, fallback: true, retries: 0 });
    await waitUntil(allReleased);
    expect(t.platform.leases.map((lease) => lease.healthy)).toEqual([false, true]);
  });

  test("a proxy's internal_error is a worker failure, not a result", async () => {
    t.platform.script({ result: { status: 'internal_error', message: 'cannot write /box' } }, { delayMs: 20 });
    const { body } = await run();
    expect(body.status).toBe('ok');
    expect(body.race).toMatchObject({ winner: 2, fallback: true });
  });

  test('both fail: released unhealthy, retried on fresh workers, then success', async () => {
    t.platform.script({ fail: 'engine error' }, { fail: 'malformed answer' }, { delayMs: 5 }, { delayMs: 200 });
    const { status, body } = await run();
    expect(status).toBe(200);
    expect(body.race).toMatchObject({ retries: 1, winner: 1, fallback: false });
    await waitUntil(allReleased);
    expect(t.platform.leases.map((lease) => lease.healthy)).toEqual([false, false, true, true]);
  });

  test('always failing: workers_failed after the bounded retries, every lease released unhealthy', async () => {
    t.platform.script(...Array.from({ length: 6 }, () => ({ fail: 'container died' })));
    const { status, body } = await run();
    expect(status).toBe(500);
    expect(body.error.code).toBe('workers_failed');
    expect(body.error.message).toMatch(/3 attempts/);
    expect(body.error.details.failures).toHaveLength(6);
    expect(t.platform.leases).toHaveLength(6);
    expect(t.platform.leases.every((lease) => lease.released && lease.healthy === false)).toBe(true);
  });

  test.each(['runtime_error', 'timeout', 'memory_limit', 'output_limit', 'compile_error'] as const)(
    'a user outcome (%s) is a 200 result, never retried',
    async (outcome) => {
      t.platform.script({ result: { status: outcome, exitCode: 1, stderr: 'Traceback' } }, { delayMs: 300 });
      const { status, body } = await run();
      expect(status).toBe(200);
      expect(body.status).toBe(outcome);
      expect(body.stderr).toBe('Traceback');
      expect(body.race).toMatchObject({ retries: 0, fallback: false, winner: 1 });
      expect(t.platform.acquireCalls).toBe(2);
    },
  );

  test('compile output and timings come from the proxy result', async () => {
    t.platform.script({
      result: { compile: { exitCode: 0, stdout: '', stderr: 'warning', wallMs: 400 }, wallMs: 20 },
    });
    const { body } = await run({ runtime: 'c', files: [{ name: 'main.c', content: 'int main(){}' }] });
    expect(body.compile).toEqual({ exitCode: 0, stdout: '', stderr: 'warning' });
    expect(body.timings).toMatchObject({ compileMs: 400, runMs: 20 });
    expect(body.timings.totalMs).toBeGreaterThanOrEqual(0);
    expect(body.timings.queueMs).toBeGreaterThanOrEqual(0);
  });

  test('the request id reaches the worker and is echoed back', async () => {
    const { headers } = await run({}, { 'x-request-id': 'ui-42.a' });
    expect(headers['x-request-id']).toBe('ui-42.a');
    expect(t.platform.requests[0]?.requestId).toBe('ui-42.a');
    const forged = await run({}, { 'x-request-id': 'bad id\nwith newline' });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a run leases its image directly: no floor is set for an image a run uses (it may scale to zero)', async () => {
    await run();
    expect(t.platform.warmed).toEqual([]);
  });

  test('a cold start is in the timings: whether the winner was started for the run, and how long it took', async () => {
    const { body: warm } = await run();
    expect(warm.timings).toMatchObject({ coldStart: false, coldStartMs: 0 });
    t.platform.coldStartMs = 420;
    const { body: cold } = await run();
    expect(cold.timings).toMatchObject({ coldStart: true, coldStartMs: 420 });
  });
});

describe('pair mode with one free worker', () => {
  test('starts on the first lease; the second asks for a spare, and none is free', async () => {
    const platform = new FakePlatform();
    platform.leasesAtOnce = 1;
    t = await makeTestApp({ platform });
    platform.script({ delayMs: 10 });
    const { body } = await run();
    expect(body.race).toMatchObject({ workers: 1, winner: 1 });
    await waitUntil(allReleased);
    expect(platform.stats()[0]?.waiting).toBe(0);
    expect(platform.leases).toHaveLength(1);
    expect(platform.spareRequests).toEqual([false, true]);
  });

  test('a late second lease joins the race and can win', async () => {
    const platform = new FakePlatform();
    platform.acquireDelays = [0, 30];
    t = await makeTestApp({ platform });
    platform.script({ delayMs: 400 }, { delayMs: 5, result: { stdout: 'late but fast\n' } });
    const { body } = await run();
    expect(body.stdout).toBe('late but fast\n');
    expect(body.race).toMatchObject({ workers: 2, winner: 2 });
  });
});

describe('hedged and single modes', () => {
  beforeEach(async () => {
    t = await makeTestApp({ overrides: { hedge: { defaultDelayMs: 80, floorMs: 10, windowSize: 10, minSamples: 5 } } });
  });

  test('hedged: a fast first answer never involves a second worker', async () => {
    t.platform.script({ delayMs: 5 });
    const { body } = await run({ mode: 'hedged' });
    expect(body.race).toMatchObject({ mode: 'hedged', workers: 1, winner: 1 });
    expect(t.platform.acquireCalls).toBe(1);
  });

  test('hedged: the second worker is sent the request only after the delay', async () => {
    t.platform.script({ delayMs: 500 }, { delayMs: 5, result: { stdout: 'hedge\n' } });
    const { body } = await run({ mode: 'hedged' });
    expect(body.stdout).toBe('hedge\n');
    expect(body.race).toMatchObject({ workers: 2, winner: 2 });
    const [first, second] = t.platform.runStarts as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(70);
  });

  test('hedged: after enough samples the delay follows the observed p95', async () => {
    for (let i = 0; i < 5; i += 1) {
      t.platform.script({ delayMs: 5 });
      await run({ mode: 'hedged' });
    }
    // p95 of ~5 ms samples is below the 10 ms floor: the hedge now goes out after ~10 ms, not 80.
    t.platform.script({ delayMs: 400 }, { delayMs: 5 });
    const { body } = await run({ mode: 'hedged' });
    expect(body.race.winner).toBe(2);
    const starts = t.platform.runStarts.slice(-2) as [number, number];
    expect(starts[1] - starts[0]).toBeLessThan(70);
  });

  test('hedged: a first worker that fails brings the second at once', async () => {
    t.platform.script({ fail: 'died' }, { delayMs: 5 });
    const { body } = await run({ mode: 'hedged' });
    expect(body.race).toMatchObject({ workers: 2, winner: 2, fallback: true });
  });

  test('single: one worker, retried on failure', async () => {
    t.platform.script({ fail: 'died' }, { delayMs: 5 });
    const { body } = await run({ mode: 'single' });
    expect(body.race).toMatchObject({ mode: 'single', workers: 1, winner: 1, retries: 1 });
    expect(t.platform.acquireCalls).toBe(2);
  });
});

describe('busy workers (a Nuclio replica answering 503)', () => {
  test('one busy, the other answers: no fallback, no retry, the busy one released healthy', async () => {
    t = await makeTestApp();
    t.platform.script({ delayMs: 2, busy: true }, { delayMs: 20, result: { stdout: 'served\n' } });
    const { status, body } = await run();
    expect(status).toBe(200);
    expect(body.stdout).toBe('served\n');
    expect(body.race).toMatchObject({ winner: 2, fallback: false, retries: 0 });
    await waitUntil(allReleased);
    expect(t.platform.leases.map((lease) => lease.healthy)).toEqual([true, true]);
  });

  test('both busy: tried again after a pause without spending a retry, then served', async () => {
    t = await makeTestApp({ overrides: { retries: 0 } });
    t.platform.script({ busy: true }, { busy: true }, { busy: true }, { busy: true }, { delayMs: 5 }, { delayMs: 200 });
    const { status, body } = await run();
    expect(status).toBe(200);
    expect(body.race).toMatchObject({ retries: 0, fallback: false });
    expect(t.platform.acquireCalls).toBe(6);
    const metrics = await t.app.inject({ url: '/metrics', headers: t.admin });
    expect(metrics.body).toMatch(/codering_race_events_total\{outcome="busy"\} 2/);
    expect(metrics.body).not.toMatch(/outcome="retry"/);
  });

  test('busy past the wait for a worker: 503 workers_busy with Retry-After, never workers_failed', async () => {
    t = await makeTestApp({ overrides: { acquireTimeoutMs: 150, retries: 1 } });
    t.platform.script(...Array.from({ length: 200 }, () => ({ busy: true })));
    const started = Date.now();
    const { status, headers, body } = await run({ mode: 'single' });
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('1');
    expect(body.error.code).toBe('workers_busy');
    expect(Date.now() - started).toBeLessThan(2000);
    await waitUntil(allReleased);
    expect(t.platform.leases.every((lease) => lease.healthy === true)).toBe(true);
  });

  test('hedged: a first worker that is busy brings the second at once', async () => {
    t = await makeTestApp({ overrides: { hedge: { defaultDelayMs: 5000, floorMs: 20, windowSize: 200, minSamples: 20 } } });
    t.platform.script({ busy: true }, { delayMs: 5, result: { stdout: 'second\n' } });
    const started = Date.now();
    const { body } = await run({ mode: 'hedged' });
    expect(body.stdout).toBe('second\n');
    expect(body.race).toMatchObject({ winner: 2, fallback: false, retries: 0 });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('bounded waits and backpressure', () => {
  test('queue full: 429 with Retry-After, nothing retried', async () => {
    const platform = new FakePlatform();
    platform.leasesAtOnce = 0;
    platform.queueMax = 0;
    t = await makeTestApp({ platform });
    const { status, headers, body } = await run();
    expect(status).toBe(429);
    expect(body.error.code).toBe('queue_full');
    expect(headers['retry-after']).toBe('2');
  });

  test('no lease within the acquire timeout: 429 queue_full, the lease request dropped', async () => {
    const platform = new FakePlatform();
    platform.leasesAtOnce = 0;
    platform.acquireTimeoutMs = 50;
    t = await makeTestApp({ platform });
    const { status, headers, body } = await run();
    expect(status).toBe(429);
    expect(body.error.code).toBe('queue_full');
    expect(headers['retry-after']).toBe('1');
    expect(platform.stats()[0]?.waiting).toBe(0);
  });

  test('workers that never answer: given up after wall limit + margin, released unhealthy', async () => {
    t = await makeTestApp({ overrides: { runMarginMs: 30, cancelGraceMs: 30, retries: 1 } });
    t.platform.script(...Array.from({ length: 4 }, () => ({ hang: true, onAbort: 'ignore' as const })));
    const started = Date.now();
    const { status, body } = await run({ limits: { wallMs: 40 } });
    expect(status).toBe(500);
    expect(body.error.code).toBe('workers_failed');
    expect(body.error.details.failures[0]).toMatch(/no answer within 70 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
    await waitUntil(allReleased);
    expect(t.platform.leases.every((lease) => lease.healthy === false)).toBe(true);
  });

  test('a loser that cannot be cancelled is released unhealthy', async () => {
    t = await makeTestApp();
    t.platform.script({ delayMs: 5 }, { hang: true, onAbort: 'fail' });
    const { status } = await run();
    expect(status).toBe(200);
    await waitUntil(allReleased);
    expect(t.platform.leases.map((lease) => lease.healthy)).toEqual([true, false]);
  });

  test('a loser that ignores the cancel is released unhealthy after the grace', async () => {
    t = await makeTestApp({ overrides: { cancelGraceMs: 40 } });
    t.platform.script({ delayMs: 5 }, { hang: true, onAbort: 'ignore' });
    await run();
    expect(t.platform.leases[1]?.released).toBe(false);
    await waitUntil(allReleased);
    expect(t.platform.leases[1]?.healthy).toBe(false);
  });
});

describe('client disconnect', () => {
  const limits: RunLimits = {
    wallMs: 1000, cpuMs: 1000, compileWallMs: 1000, memoryBytes: 1 << 26, outputBytes: 1024, processes: 8, fileBytes: 1024,
  };
  const request = { requestId: 'r1', files: [{ name: 'main.py', content: '' }], main: 'main.py', stdin: '', args: [], limits };

  test('aborting the signal cancels both workers and rejects with RunAborted', async () => {
    const platform = new FakePlatform().script({ hang: true }, { hang: true });
    const client = new AbortController();
    const attempt = raceAttempt(platform, 'img', request, {
      mode: 'pair', hedgeDelayMs: 0, runTimeoutMs: 5000, cancelGraceMs: 1000, signal: client.signal,
    });
    await waitUntil(() => platform.leases.length === 2);
    client.abort();
    await expect(attempt).rejects.toBeInstanceOf(RunAborted);
    await waitUntil(() => platform.leases.every((lease) => lease.released));
    expect(platform.aborts.sort()).toEqual(['w1', 'w2']);
    expect(platform.leases.map((lease) => lease.healthy)).toEqual([true, true]);
  });
});

describe('pair when a core is spare, hedged when the machine is busy', () => {
  beforeEach(async () => {
    t = await makeTestApp({ overrides: { pairMaxInFlight: 1, hedge: { defaultDelayMs: 10_000, floorMs: 20, windowSize: 200, minSamples: 20 } } });
  });

  test('a pair run that arrives while another runs is hedged, and says so', async () => {
    // the first run is slow, the second arrives while it is in flight
    t.platform.script({ delayMs: 300, result: { stdout: 'slow\n' } }, { delayMs: 300, result: { stdout: 'slow\n' } }, { delayMs: 5, result: { stdout: 'second\n' } });
    const first = run({ mode: 'pair' });
    await waitUntil(() => t.platform.leases.length >= 2);
    const second = await run({ mode: 'pair' });
    expect(second.body.stdout).toBe('second\n');
    expect(second.body.race).toMatchObject({ mode: 'hedged', requested: 'pair', workers: 1 });
    const firstBody = (await first).body;
    expect(firstBody.race).toMatchObject({ mode: 'pair', requested: 'pair', workers: 2 });
  });
});
