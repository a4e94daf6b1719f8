import { makeTestApp, type TestApp } from './fakes/test-app';

let t: TestApp | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

test('GET /v1/capacity answers the platform’s budget and its images, as documented', async () => {
  t = await makeTestApp();
  t.platform.leasesAtOnce = 6;
  const response = await t.app.inject({ method: 'GET', url: '/v1/capacity', headers: t.admin });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({
    platform: 'local',
    slots: 6,
    slotsInUse: 0,
    running: 0,
    limits: { maxWorkers: 6, memoryBytes: null, workerMemoryBytes: null, sandboxUids: null, maxRunning: 6 },
    waiting: 0,
    queueMax: 0,
    images: [{ image: 'fake:1', idle: 1, busy: 0, starting: 0, waiting: 0 }],
  });
});

test('the budget, cold starts and evictions are in /metrics', async () => {
  t = await makeTestApp();
  t.platform.leasesAtOnce = 6;
  t.platform.imageStats = { coldStarts: 3, evictions: 2 };
  const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.admin });
  expect(response.body).toContain('codering_worker_slots{state="total"} 6');
  expect(response.body).toContain('codering_cold_starts_total{image="fake:1"} 3');
  expect(response.body).toContain('codering_evictions_total{image="fake:1"} 2');
});
