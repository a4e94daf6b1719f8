/** Keys and scopes on every route of the app, through HTTP as a client meets them. */

import type { InjectOptions } from 'fastify';
import type { AuthMode } from '../../../config';
import type { Scope } from '../../../registry-api/auth';
import { bearer, hello, makeTestApp, type TestApp } from '../registry-api/fakes';

let t: TestApp;
afterEach(async () => t?.close());

type Access = 'open' | Scope;

/** One request per route, and the scope it needs. */
const ROUTES: [Access, InjectOptions][] = [
  ['open', { method: 'GET', url: '/healthz' }],
  ['open', { method: 'GET', url: '/readyz' }],
  ['open', { method: 'GET', url: '/docs/json' }],
  ['run', { method: 'POST', url: '/v1/run', payload: hello }],
  ['run', { method: 'GET', url: '/v1/runtimes' }],
  ['run', { method: 'GET', url: '/v1/runtimes/python@3' }],
  ['build', { method: 'POST', url: '/v1/images', payload: { runtime: 'python@3.11' } }],
  ['build', { method: 'GET', url: '/v1/images/jobs' }],
  ['build', { method: 'GET', url: '/v1/images/jobs/00000000-0000-0000-0000-000000000000' }],
  ['admin', { method: 'GET', url: '/v1/capacity' }],
  ['admin', { method: 'GET', url: '/metrics' }],
  ['admin', { method: 'GET', url: '/v1/keys' }],
  ['admin', { method: 'POST', url: '/v1/keys', payload: { scopes: ['run'] } }],
  ['admin', { method: 'DELETE', url: '/v1/keys/000000000000' }],
];

type Who = 'nobody' | 'run' | 'build' | 'run+build' | 'admin';
const WHO: Who[] = ['nobody', 'run', 'build', 'run+build', 'admin'];

function expected(mode: AuthMode, access: Access, who: Who): 'allowed' | 401 | 403 {
  if (access === 'open') return 'allowed';
  if (mode === 'run-open' && access === 'run') return 'allowed';
  if (who === 'nobody') return 401;
  return who === 'admin' || who.split('+').includes(access) ? 'allowed' : 403;
}

async function statusesFor(mode: AuthMode): Promise<string[]> {
  t = await makeTestApp({ overrides: { auth: mode } });
  const headers: Record<Who, Record<string, string>> = {
    nobody: {},
    run: bearer(t.keys.create({ scopes: ['run'] }).secret),
    build: bearer(t.keys.create({ scopes: ['build'] }).secret),
    'run+build': bearer(t.keys.create({ scopes: ['run', 'build'] }).secret),
    admin: t.admin,
  };
  const rows: string[] = [];
  for (const [access, request] of ROUTES) {
    for (const who of WHO) {
      t.platform.script({ delayMs: 1 }, { delayMs: 50 });
      const response = await t.app.inject({ ...request, headers: { ...request.headers, ...headers[who] } });
      const seen = response.statusCode === 401 || response.statusCode === 403 ? response.statusCode : 'allowed';
      rows.push(`${request.method} ${request.url} as ${who}: ${seen} (expected ${expected(mode, access, who)})`);
      if (seen !== 'allowed') {
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="codering"/);
        expect(response.json()).toEqual({ error: { code: seen === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String), details: expect.any(Object) } });
      }
    }
  }
  return rows;
}

function mismatches(rows: string[]): string[] {
  return rows.filter((row) => {
    const [, seen, wanted] = /: (\S+) \(expected (\S+)\)$/.exec(row) ?? [];
    return seen !== wanted;
  });
}

describe('who may call what', () => {
  test('CODERING_AUTH=run-open (the default): running and the catalogue are open; builds, jobs, keys, capacity and metrics need their scope', async () => {
    expect(mismatches(await statusesFor('run-open'))).toEqual([]);
  });

  test('CODERING_AUTH=required: every route but the probes and the docs needs a key with its scope', async () => {
    expect(mismatches(await statusesFor('required'))).toEqual([]);
  });

  test('the default mode is run-open', async () => {
    t = await makeTestApp();
    expect((await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'python@3.11' } })).statusCode).toBe(401);
  });
});

describe('what a refused client is told', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  test('no key for a build: 401 unauthorized, which scope, how to send a key, and the Bearer challenge', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'python@3.11' } });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="codering"');
    expect(response.json().error).toEqual({
      code: 'unauthorized',
      message: 'POST /v1/images needs a key with the build scope: send it as Authorization: Bearer <key> (keys are made with npx codering keys create)',
      details: { scope: 'build' },
    });
    // nothing was built
    expect(t.store.list(10)).toEqual([]);
  });

  test('a wrong, revoked or malformed key is 401 invalid_token, even on a route open without a key', async () => {
    const { key, secret } = t.keys.create({ scopes: ['run'] });
    t.keys.revoke(key.id);
    for (const authorization of [`Bearer ${secret}`, 'Bearer cdr_000000000000_' + 'x'.repeat(43), 'Bearer nonsense']) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello, headers: { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="codering", error="invalid_token"');
    }
    const basic = await t.app.inject({ method: 'POST', url: '/v1/run', payload: hello, headers: { authorization: 'Basic dTpw' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json().error.message).toBe('the Authorization header must be Bearer <key>');
    // the probes never look at a key
    expect((await t.app.inject({ url: '/healthz', headers: { authorization: 'Bearer nonsense' } })).statusCode).toBe(200);
  });

  test('a run key asking to build: 403 forbidden, with the scope needed and the key it has', async () => {
    const { key, secret } = t.keys.create({ scopes: ['run'] });
    const response = await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'python@3.11' }, headers: bearer(secret) });
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="codering", error="insufficient_scope", scope="build"');
    expect(response.json().error).toEqual({
      code: 'forbidden',
      message: `POST /v1/images needs the build scope; key ${key.id} has run`,
      details: { scope: 'build', keyScopes: ['run'], keyId: key.id },
    });
  });

  test('a revoked key is refused from its next request on, revoked by another connection (the CLI)', async () => {
    const { key, secret } = t.keys.create({ scopes: ['build'] });
    const list = () => t.app.inject({ url: '/v1/images/jobs', headers: bearer(secret) });
    expect((await list()).statusCode).toBe(200);
    const cli = (await import('../../../registry-api/auth')).KeyStore.open(t.dataDir);
    cli.revoke(key.id);
    cli.close();
    expect((await list()).json().error.message).toBe('the key was revoked');
  });

  test('an unknown route is 404 for anybody, key or not', async () => {
    expect((await t.app.inject({ url: '/v2/nothing' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v2/nothing', headers: { authorization: 'Bearer nonsense' } })).statusCode).toBe(404);
  });
});

describe('keys over HTTP, for an admin key', () => {
  beforeEach(async () => {
    t = await makeTestApp();
  });

  test('create (the secret once), list (never a secret), revoke; the new key works until revoked', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/v1/keys', headers: t.admin, payload: { scopes: ['build'], name: 'authors', maxInFlight: 4 } });
    expect(created.statusCode).toBe(201);
    const { key, secret } = created.json();
    expect(created.headers.location).toBe(`/v1/keys/${key.id}`);
    expect(key).toMatchObject({ name: 'authors', scopes: ['build'], maxInFlight: 4, rateLimitPerMinute: null, revokedAt: null });
    const listed = await t.app.inject({ url: '/v1/keys', headers: t.admin });
    expect(listed.json().keys.map((k: { id: string }) => k.id)).toContain(key.id);
    expect(listed.body).not.toContain(secret);

    expect((await t.app.inject({ method: 'POST', url: '/v1/images', payload: { runtime: 'python@3.11' }, headers: bearer(secret) })).statusCode).toBe(202);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${key.id}`, headers: t.admin });
    expect(revoked.json()).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
    expect((await t.app.inject({ url: '/v1/images/jobs', headers: bearer(secret) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/keys/000000000000', headers: t.admin })).statusCode).toBe(404);
  });

  test('a key request is checked like any body', async () => {
    for (const payload of [{ scopes: [] }, { scopes: ['root'] }, { scopes: ['run', 'run'] }, { scopes: ['run'], maxInFlight: -1 }, { scopes: ['run'], extra: 1 }]) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/keys', headers: t.admin, payload });
      expect([JSON.stringify(payload), response.statusCode, response.json().error.code]).toEqual([JSON.stringify(payload), 400, 'invalid_request']);
    }
  });
});
