/**
 * CODERING_PREBUILD=all: every version of the catalogue, built in the background through normal build
 * jobs, one at a time, each logged; a failure does not stop the others, closing the app does.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PrebuildMode } from '../../../registry-api/config';
import { CataloguePrebuild, RunImages } from '../../../registry-api/images';
import { BuildJobs, JobStore, type BuildJob } from '../../../registry-api/jobs';
import { captureLog, FakeBuilder, makeTestApp, testCatalogue, waitUntil, type LogCapture, type TestApp } from './fakes';

/** The test catalogue, in prebuild order: by language, newest version first. */
const ALL = ['c@12.2.0', 'python@3.13.5', 'python@3.11.2'];

describe('CataloguePrebuild', () => {
  let dataDir: string;
  let store: JobStore;
  let builder: FakeBuilder;
  let jobs: BuildJobs;
  let lines: { level: 'info' | 'warn'; msg: string }[];
  let prebuild: CataloguePrebuild;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'codering-prebuild-'));
    store = JobStore.inDataDir(dataDir);
    builder = new FakeBuilder();
    // room for three builds at once: one at a time is the prebuild's doing, not the queue's
    jobs = new BuildJobs({ store, builder, concurrency: 3, queueMax: 10, maxAttempts: 2 });
    const catalogue = testCatalogue();
    const images = new RunImages({ catalogue, builder, jobs, buildWaitMs: 5 });
    lines = [];
    const log = {
      info: (_fields: object, msg: string) => void lines.push({ level: 'info', msg }),
      warn: (_fields: object, msg: string) => void lines.push({ level: 'warn', msg }),
    };
    prebuild = new CataloguePrebuild({ catalogue, images, log });
  });

  afterEach(async () => {
    builder.release();
    await jobs.close();
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every version of the catalogue, in order, one build at a time, as normal build jobs', async () => {
    builder.buildMs = 20;
    expect(prebuild.specs()).toEqual(ALL);
    const summary = await prebuild.run(new AbortController().signal);
    expect(summary).toEqual({ total: 3, built: ALL, cached: [], failed: [], stopped: false });
    expect(builder.calls.map((call) => call.runtime)).toEqual(ALL);
    expect(builder.maxRunning).toBe(1);
    // what GET /v1/images/jobs shows, newest first
    expect(store.list(10).map((job) => [job.runtime, job.state])).toEqual(ALL.map((spec) => [spec, 'succeeded']).reverse());
  });

  test('waits for a build longer than a run would (buildWaitMs), instead of submitting the next one', async () => {
    builder.buildMs = 50; // ten times buildWaitMs
    const summary = await prebuild.run(new AbortController().signal);
    expect(summary.built).toEqual(ALL);
    expect(builder.maxRunning).toBe(1);
  });

  test('one info line per runtime built or found built, with its place in the whole', async () => {
    builder.preBuild('python@3.13.5');
    const summary = await prebuild.run(new AbortController().signal);
    expect(summary).toMatchObject({ built: ['c@12.2.0', 'python@3.11.2'], cached: ['python@3.13.5'] });
    expect(builder.calls.map((call) => call.runtime)).toEqual(['c@12.2.0', 'python@3.11.2']);
    expect(lines).toEqual([
      { level: 'info', msg: 'prebuilding the catalogue: 3 runtimes, one at a time' },
      { level: 'info', msg: 'prebuilt 1/3 c@12.2.0' },
      { level: 'info', msg: 'prebuilt 2/3 python@3.13.5 (cached)' },
      { level: 'info', msg: 'prebuilt 3/3 python@3.11.2' },
      { level: 'info', msg: 'prebuild done: 2 built, 1 cached, 0 failed' },
    ]);
  });

  test('a failed build is a warning, and the next runtime goes on', async () => {
    builder.failing.add('python@3.13.5');
    const summary = await prebuild.run(new AbortController().signal);
    expect(summary.built).toEqual(['c@12.2.0', 'python@3.11.2']);
    expect(summary.failed).toEqual([{ runtime: 'python@3.13.5', message: expect.stringMatching(/could not be built: step 3\/5 failed/) }]);
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      { level: 'warn', msg: expect.stringMatching(/^prebuild 2\/3 python@3\.13\.5 failed: the image for python@3\.13\.5 could not be built/) },
    ]);
    expect(lines.at(-1)?.msg).toBe('prebuild done: 2 built, 0 cached, 1 failed');
    expect(store.list(10).map((job) => job.state)).toEqual(['succeeded', 'failed', 'succeeded']);
  });

  test('stops at once when its signal aborts, submitting nothing more; the running job still ends', async () => {
    builder.hold();
    const closing = new AbortController();
    const running = prebuild.run(closing.signal);
    await waitUntil(() => builder.calls.length === 1);
    closing.abort();
    const summary = await running;
    expect(summary).toEqual({ total: 3, built: [], cached: [], failed: [], stopped: true });
    expect(lines.at(-1)?.msg).toBe('prebuild stopped after 0/3: the API is closing');
    builder.release();
    await jobs.close();
    expect(builder.calls).toHaveLength(1);
    expect(store.list(10).map((job) => [job.runtime, job.state])).toEqual([['c@12.2.0', 'succeeded']]);
  });

  test('a signal aborted before the start builds nothing', async () => {
    const closing = new AbortController();
    closing.abort();
    expect((await prebuild.run(closing.signal)).stopped).toBe(true);
    expect(builder.calls).toEqual([]);
  });
});

describe('CODERING_PREBUILD in the API: what prepareRuntimes does at start', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  let log: LogCapture;
  async function start(prebuild: PrebuildMode, defaultRuntimes: string[] = ['python@3.11']): Promise<TestApp> {
    log = captureLog('info');
    const app = await makeTestApp({ overrides: { prebuild, defaultRuntimes }, logger: log.logger });
    app.builder.built.clear(); // nothing built yet: what the API builds is what it was asked to
    return app;
  }

  const jobList = async (): Promise<[string, string][]> =>
    (await t.app.inject({ url: '/v1/images/jobs', headers: t.admin })).json().jobs.map((job: BuildJob) => [job.runtime, job.state]);

  test('default: warms the default runtimes, builds nothing else', async () => {
    t = await start('default');
    await t.app.prepareRuntimes();
    expect(t.platform.warmed).toEqual(['127.0.0.1:5000/codering/python:3.11.2']);
    expect(t.builder.calls.map((call) => call.runtime)).toEqual(['python@3.11.2']);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  test('all: warms the defaults first, then builds the rest of the catalogue as jobs GET /v1/images/jobs lists', async () => {
    t = await start('all');
    await t.app.prepareRuntimes();
    expect(t.platform.warmed).toEqual(['127.0.0.1:5000/codering/python:3.11.2']);
    // the default first (warmed), then the catalogue in its order; python@3.11.2 is found built by then
    expect(t.builder.calls.map((call) => call.runtime)).toEqual(['python@3.11.2', 'c@12.2.0', 'python@3.13.5']);
    expect(t.builder.maxRunning).toBe(1);
    expect(log.lines.filter((line) => line.component === 'prebuild').map((line) => line.msg)).toEqual([
      'prebuilding the catalogue: 3 runtimes, one at a time',
      'prebuilt 1/3 c@12.2.0',
      'prebuilt 2/3 python@3.13.5',
      'prebuilt 3/3 python@3.11.2 (cached)',
      'prebuild done: 2 built, 1 cached, 0 failed',
    ]);
    expect(await jobList()).toEqual([
      ['python@3.13.5', 'succeeded'],
      ['c@12.2.0', 'succeeded'],
      ['python@3.11', 'succeeded'],
    ]);
  });

  test('none: warms and builds nothing; ready as soon as the engine answers', async () => {
    t = await start('none');
    await t.app.prepareRuntimes();
    expect(t.platform.warmed).toEqual([]);
    expect(t.builder.calls).toEqual([]);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  test('called twice, it prepares once', async () => {
    t = await start('all');
    await Promise.all([t.app.prepareRuntimes(), t.app.prepareRuntimes()]);
    expect(t.builder.calls).toHaveLength(3);
  });

  test('closing the app stops the prebuild: no further job, none left queued or building', async () => {
    t = await start('all', []);
    t.builder.hold();
    const preparing = t.app.prepareRuntimes();
    await waitUntil(() => t.builder.calls.length === 1);
    const closed = t.app.close();
    t.builder.release(); // the running build ends within the drain; it is not abandoned
    await closed;
    await preparing;
    expect(t.builder.calls.map((call) => call.runtime)).toEqual(['c@12.2.0']);
    // stopped by the close, not failing its way through a closed build queue
    const prebuildLines = log.lines.filter((line) => line.component === 'prebuild');
    expect(prebuildLines.at(-1)?.msg).toBe('prebuild stopped after 0/3: the API is closing');
    expect(log.atLeast(40)).toEqual([]);
    expect(t.store.list(10).map((job) => [job.runtime, job.state])).toEqual([['c@12.2.0', 'succeeded']]);
    expect(t.store.unfinished()).toEqual([]);
  });
});
