/** What a starting API prints: the mode, and a first admin key on a database that has none. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../config';
import { announceAccess, KeyStore } from '../../../registry-api/auth';
import { JobStore } from '../../../registry-api/jobs';
import { captureLog } from '../registry-api/fakes';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'codering-start-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function start(env: Record<string, string> = {}): { printed: string; secret: string | undefined; log: string } {
  const store = JobStore.inDataDir(dataDir);
  const log = captureLog('info');
  let printed = '';
  try {
    const secret = announceAccess(loadConfig(env), store.database, log.logger, (text) => (printed += text));
    return { printed, secret, log: JSON.stringify(log.lines) };
  } finally {
    store.close();
  }
}

test('the first start makes one admin key and prints it once; the log has its id, never its secret', () => {
  const first = start();
  expect(first.secret).toMatch(/^cdr_/);
  expect(first.printed).toContain('CODERING_AUTH=run-open: running (/v1/run, /v1/runtimes) needs no key; building and admin need one.');
  expect(first.printed).toContain(`\n    ${first.secret}\n`);
  expect(first.log).not.toContain(first.secret as string);
  const keys = KeyStore.open(dataDir);
  const [only] = keys.list();
  keys.close();
  expect(only).toMatchObject({ name: 'first admin key', scopes: ['admin'] });
  expect(first.log).toContain(only?.id);

  const second = start({ CODERING_AUTH: 'required' });
  expect(second.secret).toBeUndefined();
  expect(second.printed).toContain('CODERING_AUTH=required: every route but /healthz, /readyz and /docs needs a key.');
  expect(second.printed).not.toMatch(/cdr_/);
});

test('a database with a key already (made by the CLI before the first start) gets no other', () => {
  const keys = KeyStore.open(dataDir);
  keys.create({ scopes: ['run'] });
  keys.close();
  expect(start().secret).toBeUndefined();
});
