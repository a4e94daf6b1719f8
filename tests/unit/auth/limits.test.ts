/** Per-key request rates (@fastify/rate-limit) and runs in flight: headers, 429s, whose budget is whose. */

import { InFlightRuns } from '../../../registry-api/auth';
import { bearer, hello, makeTestApp, waitUntil, type TestApp } from '../registry-api/fakes';

let t: TestApp;
afterEach(async () => t?.close());

const single = { ...hello, mode: 'single' };

describe('requests a minute (CODERING_RATE_LIMIT_PER_MINUTE)', () => {
  test('every limited answer says the limit, what is left and when the minute ends; past it, 429 rate_limited with Retry-After', async () => {
    t = await makeTestApp({ overrides: { rateLimitPerMinute: 3 } });
    const { secret } = t.keys.create({ scopes: ['run'] });
    const get = () => t.app.inject({ url: '/v1/runtimes', headers: bearer(secret) });
    for (const remaining of [2, 1, 0]) {
      const response = await get();
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': String(remaining) });
      expect(Number(response.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    }
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/^key [0-9a-f]{12} sent more than 3 requests in a minute: again in/), details: { limit: 3, windowSeconds: 60 } },
    });
  });

  test('each key has its own minute; key-less runs (run-open) share their address; a key may have a limit of its own, or none', async () => {
    t = await makeTestApp({ overrides: { rateLimitPerMinute: 2 } });
    const get = (headers: Record<string, string> = {}) => t.app.inject({ url: '/v1/runtimes', headers });
    const a = bearer(t.keys.create({ scopes: ['run'] }).secret);
    const b = bearer(t.keys.create({ scopes: ['run'] }).secret);
    const generous = bearer(t.keys.create({ scopes: ['run'], rateLimitPerMinute: 5 }).secret);
    const unlimited = bearer(t.keys.create({ scopes: ['run'], rateLimitPerMinute: 0 }).secret);
    const codes = async (headers: Record<string, string> | undefined, times: number) => {
      const seen: number[] = [];
      for (let i = 0; i < times; i++) seen.push((await get(headers)).statusCode);
      return seen;
    };
    expect(await codes(a, 3)).toEqual([200, 200, 429]);
    expect(await codes(b, 3)).toEqual([200, 200, 429]);
    expect(await codes(undefined, 3)).toEqual([200, 200, 429]);
    expect((await get(undefined)).json().error.message).toMatch(/^address 127\.0\.0\.1 \(no key\) sent more than 2/);
    expect(await codes(generous, 6)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await codes(unlimited, 10)).toEqual(Array(10).fill(200));
    expect((await get(unlimited)).headers['x-ratelimit-limit']).toBeUndefined();
  });

  test('0 is no limit; the probes and the docs are never limited', async () => {
    t = await makeTestApp({ overrides: { rateLimitPerMinute: 0 } });
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ url: '/v1/runtimes' })).statusCode).toBe(200);
    await t.close();
    t = await makeTestApp({ overrides: { rateLimitPerMinute: 1 } });
    for (let i = 0; i < 3; i++) {
      for (const url of ['/healthz', '/readyz', '/docs/json']) {
        const response = await t.app.inject({ url });
        expect([url, response.statusCode, response.headers['x-ratelimit-limit']]).toEqual([url, 200, undefined]);
      }
    }
  });

  test('a refused key is not counted: 401 comes before the limit', async () => {
    t = await makeTestApp({ overrides: { rateLimitPerMinute: 1 } });
    for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'c' } })).statusCode).toBe(401);
    const build = bearer(t.keys.create({ scopes: ['build'] }).secret);
    expect((await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'c' }, headers: build })).statusCode).toBe(202);
  });
});

describe('runs in flight (CODERING_KEY_MAX_IN_FLIGHT)', () => {
  test('the count per caller: places taken up to its most, given back one by one; 0 is no limit', () => {
    const runs = new InFlightRuns();
    expect([runs.take('key:a', 2), runs.take('key:a', 2), runs.take('key:a', 2)]).toEqual([true, true, false]);
    expect(runs.take('key:b', 2)).toBe(true);
    runs.release('key:a');
    expect([runs.inFlight('key:a'), runs.take('key:a', 2)]).toEqual([1, true]);
    runs.release('key:a');
    runs.release('key:a');
    runs.release('key:a');
    expect(runs.inFlight('key:a')).toBe(0);
    expect(Array.from({ length: 100 }, () => runs.take('address:x', 0)).every(Boolean)).toBe(true);
  });

  test('a key with as many runs in flight as it may gets 429 too_many_runs with Retry-After; others are not held back; a finished run frees its place', async () => {
    t = await makeTestApp({ overrides: { keyMaxInFlight: 2 } });
    const a = bearer(t.keys.create({ scopes: ['run'] }).secret);
    const b = bearer(t.keys.create({ scopes: ['run'] }).secret);
    t.platform.script({ delayMs: 300 }, { delayMs: 300 }, { delayMs: 1 }, { delayMs: 1 }, { delayMs: 1 });
    const run = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/v1/run', payload: single, headers });
    const first = [run(a), run(a)];
    await waitUntil(() => t.platform.runStarts.length === 2);
    const third = await run(a);
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('1');
    expect(third.json().error).toEqual({
      code: 'too_many_runs',
      message: expect.stringMatching(/^key [0-9a-f]{12} has 2 runs in flight, as many as it may/),
      details: { maxInFlight: 2 },
    });
    expect((await run(b)).statusCode).toBe(200);
    expect((await Promise.all(first)).map((response) => response.statusCode)).toEqual([200, 200]);
    expect((await run(a)).statusCode).toBe(200);
  });

  test('key-less runs share their address; a key may have its own cap, or none; an invalid body takes no place', async () => {
    t = await makeTestApp({ overrides: { keyMaxInFlight: 1 } });
    const own = bearer(t.keys.create({ scopes: ['run'], maxInFlight: 3 }).secret);
    t.platform.script(...Array.from({ length: 4 }, () => ({ delayMs: 300 })));
    const held = [t.app.inject({ method: 'POST', url: '/v1/run', payload: single })];
    await waitUntil(() => t.platform.runStarts.length === 1);
    expect((await t.app.inject({ method: 'POST', url: '/v1/run', payload: single })).json().error.code).toBe('too_many_runs');
    held.push(...[1, 2, 3].map(() => t.app.inject({ method: 'POST', url: '/v1/run', payload: single, headers: own })));
    await waitUntil(() => t.platform.runStarts.length === 4);
    expect((await t.app.inject({ method: 'POST', url: '/v1/run', payload: single, headers: own })).json().error.code).toBe('too_many_runs');
    // a body the schema refuses is answered 400 before it takes a place
    expect((await t.app.inject({ method: 'POST', url: '/v1/run', payload: { runtime: 'python@3' }, headers: own })).statusCode).toBe(400);
    await Promise.all(held);
    t.platform.script({ delayMs: 1 });
    expect((await t.app.inject({ method: 'POST', url: '/v1/run', payload: single })).statusCode).toBe(200);
  });

});
