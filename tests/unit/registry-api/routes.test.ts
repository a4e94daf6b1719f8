import { hello, makeTestApp, type TestApp } from './fakes';

let t: TestApp;
afterEach(async () => t.close());

describe('runtimes', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  test('GET /v1/runtimes lists the catalogue', async () => {
    const response = await t.app.inject({ url: '/v1/runtimes' });
    expect(response.statusCode).toBe(200);
    const python = response.json().runtimes.find((r: { language: string }) => r.language === 'python');
    expect(python).toEqual({
      language: 'python',
      displayName: 'Python',
      aliases: ['py', 'python3'],
      main: 'main.py',
      compiled: false,
      libraries: 'pip',
      versions: [
        { version: '3.13.5', suite: 'trixie', upstreamImage: 'python:3.13-slim' },
        { version: '3.11.2', suite: 'bookworm', upstreamImage: 'python:3.11-slim' },
      ],
    });
  });

  test('GET /v1/runtimes/:spec resolves a range and shows the built image', async () => {
    const response = await t.app.inject({ url: `/v1/runtimes/${encodeURIComponent('py@^3.10 <3.12')}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: 'python@3.11.2',
      version: '3.11.2',
      suite: 'bookworm',
      image: { reference: '127.0.0.1:5000/codering/python:3.11.2', digest: 'sha256:0123' },
    });
  });

  test('GET /v1/runtimes/:spec answers image null when not built, and 4xx for bad specs', async () => {
    t.builder.built.clear();
    expect((await t.app.inject({ url: '/v1/runtimes/python@3.11' })).json().image).toBeNull();
    const unknown = await t.app.inject({ url: '/v1/runtimes/cobol' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('unknown_runtime');
    expect(unknown.json().error.details.available).toContain('python');
    expect((await t.app.inject({ url: '/v1/runtimes/python@9' })).json().error.code).toBe('unsatisfiable_version');
  });
});

describe('errors', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  test('malformed JSON is 400 malformed_json', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/run',
      headers: { 'content-type': 'application/json' },
      payload: '{"runtime": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('malformed_json');
  });

  test('a body that is not JSON is 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/run', headers: { 'content-type': type }, payload: 'x=1' });
      expect(response.statusCode).toBe(415);
      expect(response.json().error.code).toBe('unsupported_media_type');
    }
  });

  test('an unknown route is 404 not_found in the same shape', async () => {
    const response = await t.app.inject({ url: '/v2/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v2/nothing', details: {} } });
  });

  test('an unexpected failure is 500 internal, with the request id and without a stack', async () => {
    // Nothing maps a TypeError thrown while collecting the pool gauges: it is our bug.
    t.platform.stats = () => {
      throw new TypeError('secret internals at /srv/app.js:12');
    };
    const response = await t.app.inject({ url: '/metrics', headers: { 'x-request-id': 'req-7', ...t.admin } });
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toMatch(/req-7/);
    expect(JSON.stringify(body)).not.toMatch(/secret|stack|\.js:/);
  });
});

describe('health, metrics, docs', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  test('/healthz answers while the process lives', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  test('/metrics exposes runs, latency, queue wait, race outcomes, pools and jobs', async () => {
    t.platform.script({ delayMs: 2 }, { delayMs: 300 });
    await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello });
    const response = await t.app.inject({ url: '/metrics', headers: t.admin });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    const text = response.body;
    expect(text).toMatch(/codering_runs_total\{status="ok",runtime="python@3.13.5"\} 1/);
    expect(text).toMatch(/codering_run_duration_seconds_bucket\{le="[^"]+",runtime="python@3.13.5",mode="pair"\}/);
    expect(text).toMatch(/codering_queue_wait_seconds_count\{runtime="python@3.13.5"\} 2/);
    expect(text).toMatch(/codering_race_events_total\{outcome="winner_first"\} 1/);
    expect(text).toMatch(/codering_race_events_total\{outcome="cancelled_loser"\} 1/);
    expect(text).toMatch(/codering_pool_workers\{image="fake:1",state="idle"\} 1/);
    expect(text).toMatch(/codering_build_jobs\{state="queued"\} 0/);
  });

  test('OpenAPI at /docs/json lists every route with its schemas', async () => {
    const response = await t.app.inject({ url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/run',
        '/v1/runtimes',
        '/v1/runtimes/{spec}',
        '/v1/images',
        '/v1/images/jobs',
        '/v1/images/jobs/{id}',
        '/v1/images/jobs/{id}/events',
        '/healthz',
        '/readyz',
        '/metrics',
      ]),
    );
    expect(response.json().paths['/v1/run'].post.requestBody).toBeDefined();
    expect((await t.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
