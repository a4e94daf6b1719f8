/**
 * `/readyz` says whether runs would be served: the engine answers and the runtimes warmed at start
 * are warm. Its 503 says which part is missing, and a probe that keeps answering 503 while the API
 * starts is not an error in the log.
 */

import type { ConfigOverrides } from '../../../registry-api/config';
import { Readiness } from '../../../registry-api/health';
import type { WarmState } from '../../../registry-api/images';
import { captureLog, makeTestApp, waitUntil, type LogCapture, type TestApp } from './fakes';

const WARN = 40;
const ERROR = 50;

let t: TestApp;

async function probe(): Promise<{ status: number; retryAfter: unknown; error?: { code: string; message: string; details: Record<string, unknown> } }> {
  const response = await t.app.inject({ url: '/readyz' });
  return { status: response.statusCode, retryAfter: response.headers['retry-after'], error: response.json().error };
}

describe('/readyz', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(async () => t.close());

  test('200 when the engine answers and the default runtimes are warm', async () => {
    await t.app.warmRuntimes(['python@3.11', 'c@12']);
    const response = await t.app.inject({ url: '/readyz' });
    expect({ status: response.statusCode, body: response.json() }).toEqual({ status: 200, body: { status: 'ready' } });
  });

  test('503 engine:false when the platform says the engine does not answer, runtimes warm or not', async () => {
    await t.app.warmRuntimes(['python@3.11']);
    t.platform.isReady = false;
    const answer = await probe();
    expect(answer).toMatchObject({ status: 503, retryAfter: '5' });
    expect(answer.error).toEqual({
      code: 'not_ready',
      message: 'not ready: the container engine does not answer',
      details: { engine: false, runtimes: { 'python@3.11': 'warm' } },
    });
  });

  test('an engine that throws is an engine that does not answer', async () => {
    t.platform.ready = async () => {
      throw new Error('connect ENOENT /var/run/docker.sock');
    };
    expect((await probe()).error?.details).toEqual({ engine: false, runtimes: {} });
  });

  test('503 naming a default runtime that failed to warm, with the engine up', async () => {
    await t.app.warmRuntimes(['python@3.11', 'cobol@1']);
    expect(t.platform.warmed).toEqual(['127.0.0.1:5000/codering/python:3.11.2']);
    const { status, error } = await probe();
    expect(status).toBe(503);
    expect(error?.details.engine).toBe(true);
    expect(error?.details.runtimes).toEqual({ 'python@3.11': 'warm', 'cobol@1': expect.stringMatching(/^failed: unknown runtime "cobol"/) });
    expect(error?.message).toMatch(/^not ready: default runtimes not warm: cobol@1 \(failed: unknown runtime "cobol"/);
    expect(error?.message).not.toMatch(/python@3\.11/);
  });

  test('503 naming a default runtime still pending (its image building), 200 once it is warm', async () => {
    t.builder.built.clear();
    t.builder.hold();
    const warming = t.app.warmRuntimes(['python@3.11']);
    await waitUntil(() => t.builder.calls.length === 1);
    const { status, error } = await probe();
    expect(status).toBe(503);
    expect(error?.details).toEqual({ engine: true, runtimes: { 'python@3.11': 'pending' } });
    expect(error?.message).toBe('not ready: default runtimes not warm: python@3.11 (pending: image not built or pool not started yet)');
    t.builder.release();
    await warming;
    expect((await probe()).status).toBe(200);
  });

  test('both parts missing are both named', async () => {
    t.platform.isReady = false;
    await t.app.warmRuntimes(['cobol@1']);
    const { error } = await probe();
    expect(error?.message).toMatch(/^not ready: the container engine does not answer; default runtimes not warm: cobol@1 \(failed: /);
  });
});

describe('what a probe leaves in the log', () => {
  let log: LogCapture;
  beforeEach(async () => {
    log = captureLog('debug');
    t = await makeTestApp({ logger: log.logger });
  });
  afterEach(async () => t.close());

  const readinessLines = (): { level: number; msg: string }[] =>
    log.lines.filter((line) => line.component === 'readiness').map(({ level, msg }) => ({ level, msg }));

  test('a 503 probe is never an error, nor a stack; each change of readiness is logged once', async () => {
    t.platform.isReady = false;
    for (let i = 0; i < 3; i += 1) expect((await probe()).status).toBe(503);
    expect(log.atLeast(ERROR)).toEqual([]);
    expect(log.lines.filter((line) => line.err !== undefined)).toEqual([]);
    // starting up is not a loss: info, once for three probes
    expect(readinessLines()).toEqual([{ level: 30, msg: 'not ready: the container engine does not answer' }]);

    t.platform.isReady = true;
    await probe();
    await probe();
    t.platform.isReady = false;
    await probe();
    await probe();
    expect(readinessLines()).toEqual([
      { level: 30, msg: 'not ready: the container engine does not answer' },
      { level: 30, msg: 'ready: the engine answers and the default runtimes are warm' },
      // ready, then not: something was lost
      { level: WARN, msg: 'not ready: the container engine does not answer' },
    ]);
    expect(log.atLeast(ERROR)).toEqual([]);
  });

  test('our own failure is still an error, with its stack', async () => {
    t.platform.stats = () => {
      throw new TypeError('a bug of ours');
    };
    expect((await t.app.inject({ url: '/metrics', headers: t.admin })).statusCode).toBe(500);
    const errors = log.atLeast(ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.err?.stack).toMatch(/TypeError: a bug of ours/);
  });

  test('a busy answer (a full build queue) is a debug line, not an error', async () => {
    t = await reopenWith({ buildQueueMax: 1 });
    t.builder.built.clear();
    t.builder.hold();
    const post = (runtime: string) => t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime }, headers: t.admin });
    expect((await post('python@3.11')).statusCode).toBe(202);
    expect((await post('python@3.13')).statusCode).toBe(202);
    const full = await post('c@12');
    t.builder.release();
    expect(full.statusCode).toBe(429);
    expect(log.atLeast(WARN)).toEqual([]);
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 20, code: 'queue_full' }));
  });

  async function reopenWith(overrides: ConfigOverrides): Promise<TestApp> {
    await t.close();
    log = captureLog('debug');
    return makeTestApp({ logger: log.logger, overrides });
  }
});

describe('Readiness on its own', () => {
  const warmup = (runtimes: Record<string, WarmState>) => ({ state: () => runtimes });
  const quiet = { info: () => undefined, warn: () => undefined };

  test('an engine that hangs is not ready, within the probe deadline', async () => {
    const readiness = new Readiness({ platform: { ready: () => new Promise(() => undefined) }, warmup: warmup({}), log: quiet, engineTimeoutMs: 20 });
    const started = Date.now();
    expect(await readiness.check()).toEqual({ ready: false, engine: false, runtimes: {}, message: 'not ready: the container engine does not answer' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
