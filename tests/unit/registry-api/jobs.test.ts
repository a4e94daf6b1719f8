import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MIGRATIONS } from '../../../registry-api/database';
import { JobStore, type BuildJob } from '../../../registry-api/jobs';
import { buildFailure, FakeBuilder, makeTestApp, type TestApp, waitUntil } from './fakes';

let dataDir: string;
let t: TestApp;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'codering-jobs-'));
});
afterEach(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function request(body: unknown) {
  const response = await t.app.inject({ method: 'POST', url: '/v1/images', payload: body as object, headers: t.admin });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

async function job(id: string): Promise<BuildJob> {
  return (await t.app.inject({ url: `/v1/images/jobs/${id}`, headers: t.admin })).json();
}

test('POST /v1/images answers 202 with a queued job and its Location; the job builds', async () => {
  t = await makeTestApp({ dataDir });
  const { status, headers, body } = await request({ runtime: 'python@3.11', libraries: ['Requests==2.31.0'] });
  expect(status).toBe(202);
  expect(headers.location).toBe(`/v1/images/jobs/${body.id}`);
  expect(body).toMatchObject({ state: expect.stringMatching(/queued|building/), runtimeId: 'python@3.11.2', libraries: ['requests==2.31.0'] });
  await waitUntil(() => t.store.get(body.id)?.state === 'succeeded');
  const done = await job(body.id);
  expect(done).toMatchObject({
    state: 'succeeded',
    progress: { stage: 'runtime', step: 2, total: 2, message: 'COPY runtime.sh' },
    image: { runtimeId: 'python@3.11.2', reference: '127.0.0.1:5000/codering/python:3.11.2-x1', cached: false },
    error: null,
  });
  expect(t.builder.calls).toEqual([{ runtime: 'python@3.11.2', libraries: ['requests==2.31.0'] }]);
});

test('idempotent by content: the same canonical request while active is the same job', async () => {
  const builder = new FakeBuilder();
  builder.hold();
  t = await makeTestApp({ dataDir, builder });
  const first = await request({ runtime: 'python@3.11', libraries: ['requests==2.31.0', 'apt:jq'] });
  const second = await request({ runtime: 'py@~3.11.0', libraries: ['apt:jq', 'Requests==2.31.0'] });
  expect(second.body.id).toBe(first.body.id);
  const other = await request({ runtime: 'python@3.13' });
  expect(other.body.id).not.toBe(first.body.id);
  builder.release();
  await waitUntil(() => t.store.get(other.body.id)?.state === 'succeeded');
  expect(builder.calls).toHaveLength(2);
});

test('an invalid runtime or library is a 4xx at once, and no job is created', async () => {
  t = await makeTestApp({ dataDir });
  expect((await request({ runtime: 'cobol' })).status).toBe(404);
  expect((await request({ runtime: 'python@3', libraries: ['--index-url=http://evil'] })).body.error.code).toBe('invalid_library');
  expect((await request({ runtime: 'python@3', extra: 1 })).body.error.code).toBe('invalid_request');
  expect((await t.app.inject({ url: '/v1/images/jobs', headers: t.admin })).json().jobs).toEqual([]);
});

test('a failed build is a failed job with the builder error, no stack', async () => {
  const builder = new FakeBuilder();
  builder.failWith = buildFailure();
  t = await makeTestApp({ dataDir, builder });
  const { body } = await request({ runtime: 'python@3.13', libraries: ['apt:nope'] });
  await waitUntil(() => t.store.get(body.id)?.state === 'failed');
  expect((await job(body.id)).error).toEqual({
    code: 'build_failed',
    message: 'step 3/5 failed: E: Unable to locate package nope',
    details: { step: 3 },
  });
});

test('GET /v1/images/jobs lists recent jobs newest first; unknown ids are 404', async () => {
  t = await makeTestApp({ dataDir });
  const a = await request({ runtime: 'python@3.11' });
  await waitUntil(() => t.store.get(a.body.id)?.state === 'succeeded');
  const b = await request({ runtime: 'python@3.13' });
  const list = (await t.app.inject({ url: '/v1/images/jobs?limit=1', headers: t.admin })).json().jobs;
  expect(list.map((j: BuildJob) => j.id)).toEqual([b.body.id]);
  expect((await t.app.inject({ url: `/v1/images/jobs/${randomUUID()}`, headers: t.admin })).statusCode).toBe(404);
  expect((await t.app.inject({ url: '/v1/images/jobs/not-an-id', headers: t.admin })).json().error.code).toBe('invalid_request');
  expect((await t.app.inject({ url: '/v1/images/jobs?limit=lots', headers: t.admin })).json().error.code).toBe('invalid_request');
});

test('jobs persist across a reopen of the database file', async () => {
  t = await makeTestApp({ dataDir });
  const { body } = await request({ runtime: 'python@3.11' });
  await waitUntil(() => t.store.get(body.id)?.state === 'succeeded');
  await t.close();
  t = await makeTestApp({ dataDir });
  expect(await job(body.id)).toMatchObject({ id: body.id, state: 'succeeded', runtimeId: 'python@3.11.2' });
});

test('at start-up, jobs left queued or building are resumed, and failed once tried enough', async () => {
  const store = JobStore.inDataDir(dataDir);
  const stamp = new Date().toISOString();
  const base = { runtime: 'python@3', libraries: [], progress: null, image: null, error: null, createdAt: stamp, updatedAt: stamp };
  store.insert({ ...base, id: randomUUID(), state: 'building', runtimeId: 'python@3.11.2', key: 'python@3.11.2', attempts: 1 });
  store.insert({ ...base, id: randomUUID(), state: 'queued', runtimeId: 'python@3.13.5', key: 'python@3.13.5', attempts: 0 });
  store.insert({ ...base, id: randomUUID(), state: 'building', runtimeId: 'c@12.2.0', key: 'c@12.2.0', attempts: 2 });
  store.close();

  t = await makeTestApp({ dataDir, overrides: { buildMaxAttempts: 2 } });
  await waitUntil(() => t.store.unfinished().length === 0);
  const jobs = t.store.list(10);
  const byRuntime = Object.fromEntries(jobs.map((j) => [j.runtimeId, j]));
  expect(byRuntime['python@3.11.2']).toMatchObject({ state: 'succeeded', attempts: 2 });
  expect(byRuntime['python@3.13.5']).toMatchObject({ state: 'succeeded', attempts: 1 });
  expect(byRuntime['c@12.2.0']?.state).toBe('failed');
  expect(byRuntime['c@12.2.0']?.error?.message).toMatch(/interrupted 2 times by a restart/);
});

test('the database is in WAL mode with a migration table', async () => {
  t = await makeTestApp({ dataDir });
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path.join(dataDir, 'codering.db'), { readonly: true });
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(MIGRATIONS.map((_, index) => ({ version: index + 1 })));
  db.close();
});

test('a run of a runtime not built yet waits for its build, then runs; the image is then runnable by reference', async () => {
  t = await makeTestApp({ dataDir });
  t.builder.built.clear();
  const files = [{ name: 'main.py', content: 'import requests' }];
  const run = await t.app.inject({ method: 'POST', url: '/v1/run', payload: { runtime: 'python@3.11', libraries: ['requests'], files } });
  expect(run.statusCode).toBe(200);
  const reference = '127.0.0.1:5000/codering/python:3.11.2-x1';
  expect(run.json().runtime.image).toContain(reference);
  const jobs = t.store.list(10);
  expect(jobs).toHaveLength(1);
  expect(jobs[0]?.image?.reference).toBe(reference);

  const byImage = await t.app.inject({ method: 'POST', url: '/v1/run', payload: { image: reference, files } });
  expect(byImage.statusCode).toBe(200);
  expect(byImage.json().runtime.id).toBe('python@3.11.2');
});

test('a run whose build takes too long is 503 not_ready with Retry-After; the build goes on', async () => {
  const builder = new FakeBuilder();
  t = await makeTestApp({ dataDir, builder, overrides: { buildWaitMs: 30 } });
  builder.built.clear();
  builder.hold();
  const run = await t.app.inject({ method: 'POST', url: '/v1/run', payload: { runtime: 'python@3.13', files: [{ name: 'main.py', content: '' }] } });
  expect(run.statusCode).toBe(503);
  expect(run.json().error).toMatchObject({ code: 'not_ready', details: { jobId: expect.any(String) } });
  expect(run.headers['retry-after']).toBe('30');
  expect(t.platform.acquireCalls).toBe(0);
  builder.release();
  await waitUntil(() => t.store.get(run.json().error.details.jobId)?.state === 'succeeded');
});

test('a run whose build fails is 502 build_failed', async () => {
  const builder = new FakeBuilder();
  t = await makeTestApp({ dataDir, builder });
  builder.built.clear();
  builder.failWith = buildFailure();
  const run = await t.app.inject({ method: 'POST', url: '/v1/run', payload: { runtime: 'python@3.13', files: [{ name: 'main.py', content: '' }] } });
  expect(run.statusCode).toBe(502);
  expect(run.json().error.code).toBe('build_failed');
});

test('the build queue is bounded: queue_full with Retry-After, and no job row left behind', async () => {
  const builder = new FakeBuilder();
  builder.hold();
  t = await makeTestApp({ dataDir, builder, overrides: { buildQueueMax: 1 } });
  await request({ runtime: 'python@3.13' }); // building
  await request({ runtime: 'python@3.11' }); // waiting
  const full = await request({ runtime: 'c' });
  expect(full.status).toBe(429);
  expect(full.headers['retry-after']).toBe('30');
  expect(t.store.list(10)).toHaveLength(2);
  builder.release();
  await waitUntil(() => t.store.unfinished().length === 0);
});

test('GET /v1/images/jobs/:id/events streams the job until it is finished', async () => {
  t = await makeTestApp({ dataDir });
  const { body } = await request({ runtime: 'python@3.11' });
  const events = await t.app.inject({ url: `/v1/images/jobs/${body.id}/events`, headers: t.admin });
  expect(events.statusCode).toBe(200);
  expect(events.headers['content-type']).toMatch(/text\/event-stream/);
  const states = events.body
    .split('\n\n')
    .filter((chunk) => chunk.startsWith('event: job'))
    .map((chunk) => JSON.parse(chunk.split('data: ')[1] as string).state);
  expect(states.at(-1)).toBe('succeeded');
});
