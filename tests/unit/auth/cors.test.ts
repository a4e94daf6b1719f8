/** CORS for configured origins (CODERING_CORS_ORIGINS), with @fastify/cors. */

import { hello, makeTestApp, type TestApp } from '../registry-api/fakes';

let t: TestApp;
afterEach(async () => t?.close());

const APP = 'https://learn.example.org';

function preflight(origin: string, method = 'POST', headers = 'authorization, content-type') {
  return t.app.inject({
    method: 'OPTIONS',
    url: '/v1/run',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

describe('a browser page on an allowed origin', () => {
  beforeEach(async () => {
    t = await makeTestApp({ overrides: { corsOrigins: [APP, 'http://localhost:5173'] } });
  });

  test('its preflight is answered: its origin echoed (never *), POST, the authorization and content-type headers, no credentials', async () => {
    const response = await preflight(APP);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(APP);
    expect(String(response.headers['access-control-allow-methods']).split(/, */)).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(String(response.headers['access-control-allow-headers']).split(/, */)).toEqual(expect.arrayContaining(['authorization', 'content-type']));
    expect(response.headers['access-control-max-age']).toBe('600');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(response.headers.vary)).toMatch(/origin/i);
    // a preflight carries no key, and needs none, even for a route that needs one
    const build = await t.app.inject({ method: 'OPTIONS', url: '/v1/images', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(build.statusCode).toBe(204);
  });

  test('its requests carry the CORS headers, a 401 or 429 too, with the headers its script may read', async () => {
    const run = await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello, headers: { origin: APP } });
    expect(run.statusCode).toBe(200);
    expect(run.headers['access-control-allow-origin']).toBe(APP);
    const exposed = String(run.headers['access-control-expose-headers']).split(/, */);
    expect(exposed).toEqual(expect.arrayContaining(['retry-after', 'www-authenticate', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-request-id']));
    const unauthorized = await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'c' }, headers: { origin: APP } });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('another origin', () => {
  test('its preflight is refused: 403 forbidden in the error shape, no CORS header', async () => {
    t = await makeTestApp({ overrides: { corsOrigins: [APP] } });
    for (const origin of ['https://evil.example', 'https://learn.example.org.evil.example', 'http://learn.example.org']) {
      const response = await preflight(origin);
      expect([origin, response.statusCode]).toEqual([origin, 403]);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.json().error).toEqual({ code: 'forbidden', message: `origin ${origin} is not among the origins this API allows (CODERING_CORS_ORIGINS)`, details: { origin } });
    }
  });

  test('its requests are served with no CORS header (the browser keeps the answer from the page); same-origin pages like /docs need none', async () => {
    t = await makeTestApp({ overrides: { corsOrigins: [APP] } });
    const response = await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello, headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  test('with no origin configured (the default) every preflight is refused', async () => {
    t = await makeTestApp();
    expect((await preflight(APP)).statusCode).toBe(403);
  });
});

test('`*` allows any origin, answered as `*`, and never with credentials', async () => {
  t = await makeTestApp({ overrides: { corsOrigins: ['*'] } });
  const response = await preflight('https://anyone.example');
  expect(response.statusCode).toBe(204);
  expect(response.headers['access-control-allow-origin']).toBe('*');
  expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  const run = await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello, headers: { origin: 'https://anyone.example' } });
  expect(run.headers['access-control-allow-origin']).toBe('*');
  expect(run.headers['access-control-allow-credentials']).toBeUndefined();
});
