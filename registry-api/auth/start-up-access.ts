/**
 * What a starting API says about access, on the terminal that started it: the mode, what needs a
 * key, and, on a database that has no key yet, a first admin key made for the operator. Its secret
 * is shown this once, on stderr and not in the JSON log (logs are kept and shipped; a terminal is
 * read); only its id goes to the log.
 */

import type Database from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import type { CoderingConfig } from '../../config';
import { KeyStore } from './key-store';

const MODE_TEXT = {
  'run-open': 'running (/v1/run, /v1/runtimes) needs no key; building and admin need one',
  required: 'every route but /healthz, /readyz and /docs needs a key',
} as const;

/** Writes the notice; returns the first admin key's secret when one was made now. */
export function announceAccess(
  config: Readonly<CoderingConfig>,
  database: Database.Database,
  log: Pick<FastifyBaseLogger, 'info'>,
  write: (text: string) => void = (text) => process.stderr.write(text),
): string | undefined {
  const keys = new KeyStore(database);
  const lines = [`codering: CODERING_AUTH=${config.auth}: ${MODE_TEXT[config.auth]}.`];
  let secret: string | undefined;
  if (keys.count() === 0) {
    const created = keys.create({ scopes: ['admin'], name: 'first admin key' });
    secret = created.secret;
    lines.push(
      `codering: no key existed, so this first admin key was made (id ${created.key.id}). It is shown this once: keep it now.`,
      '',
      `    ${secret}`,
      '',
      'codering: make others with `npx codering keys create --scope run` (or --scope build, --scope admin).',
    );
    log.info({ auth: config.auth, keyId: created.key.id }, 'first admin key created; its secret was printed on stderr, once');
  } else {
    lines.push('codering: keys: `npx codering keys list`, `npx codering keys create --scope run`.');
    log.info({ auth: config.auth }, 'access checks on');
  }
  write(`${lines.join('\n')}\n`);
  return secret;
}
