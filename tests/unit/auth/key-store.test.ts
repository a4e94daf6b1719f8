import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KeyStore } from '../../../registry-api/auth';
import { JobStore } from '../../../registry-api/jobs';

let dataDir: string;
let keys: KeyStore;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'codering-keys-'));
  keys = KeyStore.open(dataDir);
});
afterEach(() => {
  keys.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the key store', () => {
  test('a new key: its secret once, its row without it; scopes in one order, limits its own or null', () => {
    const { key, secret } = keys.create({ scopes: ['build', 'run', 'build'], name: '  authors ', rateLimitPerMinute: 30 });
    expect(key).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{12}$/),
      name: 'authors',
      scopes: ['run', 'build'],
      rateLimitPerMinute: 30,
      maxInFlight: null,
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(secret).toContain(key.id);
    expect(keys.list()).toEqual([key]);
    expect(JSON.stringify(keys.list())).not.toContain(secret);
    expect(keys.get(key.id)).toEqual(key);
  });

  test('a key needs a scope, a short name, and whole limits', () => {
    expect(() => keys.create({ scopes: [] })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() => keys.create({ scopes: ['run'], name: 'x'.repeat(101) })).toThrow(/at most 100/);
    expect(() => keys.create({ scopes: ['run'], maxInFlight: -1 })).toThrow(/maxInFlight/);
    expect(() => keys.create({ scopes: ['run'], rateLimitPerMinute: 1.5 })).toThrow(/rateLimitPerMinute/);
    expect(keys.count()).toBe(0);
  });

  test('check: a valid key, a mistyped one, an unknown one, one that is not a key at all, a revoked one', () => {
    const { key, secret } = keys.create({ scopes: ['run'] });
    expect(keys.check(secret)).toEqual({ valid: true, key: expect.objectContaining({ id: key.id, scopes: ['run'] }) });
    expect(keys.check(`${secret.slice(0, -2)}zz`)).toEqual({ valid: false, reason: 'unknown' });
    expect(keys.check(`cdr_000000000000_${secret.slice(-43)}`)).toEqual({ valid: false, reason: 'unknown' });
    expect(keys.check('hunter2')).toEqual({ valid: false, reason: 'malformed' });
    const revoked = keys.revoke(key.id);
    expect(revoked?.revokedAt).toEqual(expect.any(String));
    expect(keys.check(secret)).toEqual({ valid: false, reason: 'revoked' });
    // revoking again keeps the first time; an unknown id is undefined
    expect(keys.revoke(key.id)?.revokedAt).toBe(revoked?.revokedAt);
    expect(keys.revoke('000000000000')).toBeUndefined();
  });

  test('last used: written at the first use, then at most once a minute', () => {
    const { key, secret } = keys.create({ scopes: ['run'] });
    const start = Date.parse('2030-01-01T00:00:00Z');
    keys.check(secret, start);
    expect(keys.get(key.id)?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    keys.check(secret, start + 30_000);
    expect(keys.get(key.id)?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    keys.check(secret, start + 61_000);
    expect(keys.get(key.id)?.lastUsedAt).toBe('2030-01-01T00:01:01.000Z');
  });

  test("the CLI's connection and the API's (its job store's, under the directory lock) see each other's writes at once", () => {
    const store = JobStore.inDataDir(dataDir);
    try {
      const api = new KeyStore(store.database);
      const { key, secret } = keys.create({ scopes: ['admin'] });
      expect(api.check(secret).valid).toBe(true);
      keys.revoke(key.id);
      expect(api.check(secret)).toEqual({ valid: false, reason: 'revoked' });
      const made = api.create({ scopes: ['run'], name: 'from the API' });
      expect(keys.get(made.key.id)?.name).toBe('from the API');
      // closing a store on a connection it does not own leaves the connection to its owner
      api.close();
      expect(store.database.open).toBe(true);
    } finally {
      store.close();
    }
  });
});
