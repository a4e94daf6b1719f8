/** `codering keys create|list|revoke` on a temporary database, as the CLI's main runs them. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../factory/cli';
import { KeyStore } from '../../../registry-api/auth';
import { JobStore } from '../../../registry-api/jobs';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'codering-keys-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function codering(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'codering', ...args, '--data-dir', dataDir], { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

test('create prints the secret alone on stdout, what it made on stderr; the database keeps only its hash', async () => {
  const created = await codering('keys', 'create', '--scope', 'run', '--scope', 'build', '--name', 'course authors', '--rate-limit', '120', '--max-in-flight', '0');
  expect(created.code).toBe(0);
  expect(created.out).toMatch(/^cdr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/);
  const secret = created.out.trim();
  expect(created.err).toMatch(/^made key [0-9a-f]{12} \(course authors\), scopes run, build; its secret follows, shown this once/);
  const keys = KeyStore.open(dataDir);
  try {
    expect(keys.list()).toEqual([expect.objectContaining({ name: 'course authors', scopes: ['run', 'build'], rateLimitPerMinute: 120, maxInFlight: 0 })]);
    expect(keys.check(secret).valid).toBe(true);
  } finally {
    keys.close();
  }
});

test('list shows id, name, scopes, limits, created, last used and revoked, never a secret', async () => {
  const secret = (await codering('keys', 'create', '--scope', 'admin')).out.trim();
  await codering('keys', 'create', '--scope', 'run', '--name', 'ui', '--max-in-flight', '4');
  const listed = await codering('keys', 'list');
  expect(listed.code).toBe(0);
  const [header, admin, ui] = listed.out.trimEnd().split('\n');
  expect(header?.split(/ {2,}/)).toEqual(['ID', 'NAME', 'SCOPES', 'PER MINUTE', 'IN FLIGHT', 'CREATED', 'LAST USED', 'REVOKED']);
  expect(admin).toMatch(/^[0-9a-f]{12} +admin +default +default +\d{4}-\d\d-\d\dT[\d:.]+Z +never$/);
  expect(ui).toMatch(/^[0-9a-f]{12} +ui +run +default +4 +\S+ +never$/);
  expect(listed.out).not.toContain(secret.slice(-43));
});

test('revoke: the key is refused from then on; again says when; an unknown id is exit 2', async () => {
  const secret = (await codering('keys', 'create', '--scope', 'run')).out.trim();
  const id = secret.slice(4, 16);
  const revoked = await codering('keys', 'revoke', id);
  expect(revoked).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^revoked key ${id}, scopes run at \\S+Z\\n$`)) });
  const again = await codering('keys', 'revoke', id);
  expect(again.out).toMatch(/was already revoked at/);
  expect((await codering('keys', 'list')).out).toMatch(new RegExp(`^${id} .+ never +\\d{4}-\\S+Z$`, 'm'));
  const unknown = await codering('keys', 'revoke', '000000000000');
  expect(unknown).toMatchObject({ code: 2, err: 'error not_found: no key 000000000000 (see codering keys list)\n' });
});

test('bad input is exit 2 with the reason: no scope, an unknown scope, a bad limit', async () => {
  expect((await codering('keys', 'create')).code).toBe(2);
  const scope = await codering('keys', 'create', '--scope', 'root');
  expect(scope).toMatchObject({ code: 2, err: expect.stringContaining('expected one of run, build, admin') });
  expect((await codering('keys', 'create', '--scope', 'run', '--rate-limit', 'lots')).code).toBe(2);
});

test('works while an API process holds the data directory (its lock is not the CLI’s)', async () => {
  const api = JobStore.inDataDir(dataDir);
  try {
    const created = await codering('keys', 'create', '--scope', 'build');
    expect(created.code).toBe(0);
    const keys = new KeyStore(api.database);
    expect(keys.check(created.out.trim()).valid).toBe(true);
  } finally {
    api.close();
  }
});
