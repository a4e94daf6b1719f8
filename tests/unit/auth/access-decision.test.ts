import { bearerToken, decideAccess, routeAccess, type Access, type ApiKey, type Credential, type Scope } from '../../../registry-api/auth';

function key(scopes: Scope[]): ApiKey {
  return { id: '0123456789ab', name: null, scopes, rateLimitPerMinute: null, maxInFlight: null, createdAt: '', lastUsedAt: null, revokedAt: null };
}

const none: Credential = { kind: 'none' };
const notBearer: Credential = { kind: 'not-bearer' };
const revoked: Credential = { kind: 'key', check: { valid: false, reason: 'revoked' } };
const unknown: Credential = { kind: 'key', check: { valid: false, reason: 'unknown' } };
const withKey = (...scopes: Scope[]): Credential => ({ kind: 'key', check: { valid: true, key: key(scopes) } });

/** The status of the decision: 200 for allowed. */
function statusOf(mode: 'required' | 'run-open', access: Access, credential: Credential): number {
  const decision = decideAccess(mode, access, credential, 'GET /x');
  return decision.allowed ? 200 : decision.error.status;
}

describe('the decision per mode, route access and credential', () => {
  // [access, credential, run-open, required]
  const table: [Access, string, Credential, number, number][] = [
    ['open', 'no key', none, 200, 200],
    ['open', 'a revoked key', revoked, 200, 200],
    ['open', 'another scheme', notBearer, 200, 200],
    ['run', 'no key', none, 200, 401],
    ['run', 'a run key', withKey('run'), 200, 200],
    ['run', 'a build key', withKey('build'), 200, 403],
    ['run', 'an admin key', withKey('admin'), 200, 200],
    ['run', 'a revoked key', revoked, 401, 401],
    ['run', 'an unknown key', unknown, 401, 401],
    ['run', 'another scheme', notBearer, 401, 401],
    ['build', 'no key', none, 401, 401],
    ['build', 'a run key', withKey('run'), 403, 403],
    ['build', 'a build key', withKey('build'), 200, 200],
    ['build', 'a run+build key', withKey('run', 'build'), 200, 200],
    ['build', 'an admin key', withKey('admin'), 200, 200],
    ['build', 'an unknown key', unknown, 401, 401],
    ['admin', 'no key', none, 401, 401],
    ['admin', 'a run+build key', withKey('run', 'build'), 403, 403],
    ['admin', 'an admin key', withKey('admin'), 200, 200],
  ];
  test.each(table)('%s route, %s: run-open %i, required %i', (access, _what, credential, runOpen, required) => {
    expect([statusOf('run-open', access, credential), statusOf('required', access, credential)]).toEqual([runOpen, required]);
  });

  test('the caller is the key when one was sent, else anonymous', () => {
    expect(decideAccess('run-open', 'run', none, 'POST /v1/run')).toEqual({ allowed: true, caller: { kind: 'anonymous' } });
    expect(decideAccess('run-open', 'run', withKey('build'), 'POST /v1/run')).toEqual({ allowed: true, caller: { kind: 'key', key: key(['build']) } });
  });

  test('each refusal says why, with its RFC 6750 challenge', () => {
    const refusal = (credential: Credential, access: Access = 'build') => {
      const decision = decideAccess('required', access, credential, 'POST /v1/images');
      if (decision.allowed) throw new Error('expected a refusal');
      return { code: decision.error.code, message: decision.error.message, challenge: decision.challenge, details: decision.error.details };
    };
    expect(refusal(none)).toEqual({
      code: 'unauthorized',
      message: expect.stringMatching(/POST \/v1\/images needs a key with the build scope.*Authorization: Bearer <key>/),
      challenge: 'Bearer realm="codering"',
      details: { scope: 'build' },
    });
    expect(refusal(revoked)).toMatchObject({ code: 'unauthorized', message: 'the key was revoked', challenge: 'Bearer realm="codering", error="invalid_token"' });
    expect(refusal(unknown)).toMatchObject({ message: expect.stringMatching(/not valid/), challenge: expect.stringContaining('invalid_token') });
    expect(refusal(notBearer)).toMatchObject({ code: 'unauthorized', challenge: 'Bearer realm="codering", error="invalid_request"' });
    expect(refusal(withKey('run'))).toEqual({
      code: 'forbidden',
      message: 'POST /v1/images needs the build scope; key 0123456789ab has run',
      challenge: 'Bearer realm="codering", error="insufficient_scope", scope="build"',
      details: { scope: 'build', keyScopes: ['run'], keyId: '0123456789ab' },
    });
  });
});

describe('the Authorization header', () => {
  test.each([
    [undefined, undefined],
    ['', undefined],
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer', null],
    ['Bearer a b', null],
    ['abc', null],
  ])('%j gives %j', (header, token) => expect(bearerToken(header)).toBe(token));
});

describe('the route table', () => {
  test.each([
    ['GET', '/healthz', 'open', false],
    ['GET', '/readyz', 'open', false],
    ['GET', '/docs', 'open', false],
    ['GET', '/docs/static/*', 'open', false],
    ['POST', '/v1/run', 'run', true],
    ['GET', '/v1/run/ws', 'run', true],
    ['GET', '/v1/runtimes', 'run', false],
    ['GET', '/v1/runtimes/:spec', 'run', false],
    ['POST', '/v1/images', 'build', false],
    ['GET', '/v1/images/jobs/:id/events', 'build', false],
    ['GET', '/v1/keys', 'admin', false],
    ['DELETE', '/v1/keys/:id', 'admin', false],
    ['GET', '/v1/capacity', 'admin', false],
    ['GET', '/metrics', 'admin', false],
    // closed by default: a route nobody classified
    ['GET', '/v1/something-new', 'admin', false],
    ['GET', '/v1/runner', 'admin', false],
    // preflights and unknown routes
    ['OPTIONS', '/v1/images', 'open', false],
    ['GET', undefined, 'open', false],
  ])('%s %s: %s (counted as a run: %s)', (method, url, access, countsAsRun) => {
    expect(routeAccess(method, url)).toEqual({ access, countsAsRun });
  });

  test("a route's own options override the table", () => {
    expect(routeAccess('GET', '/v1/something-new', { access: 'run', countsAsRun: true })).toEqual({ access: 'run', countsAsRun: true });
    expect(routeAccess('GET', '/metrics', { access: 'open' })).toEqual({ access: 'open', countsAsRun: false });
  });
});
