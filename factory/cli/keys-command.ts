/**
 * `codering keys`: the API's keys, in the service's database (`<data dir>/codering.db`). It opens
 * the database as any reader would, without the API's data-directory lock, so it works while the
 * API runs, and the API sees a new or revoked key at its next request.
 *   codering keys create --scope run [--scope build] [--name …] [--rate-limit n] [--max-in-flight n]
 *   codering keys list
 *   codering keys revoke <id>
 * `create` prints the secret alone on stdout (KEY=$(npx codering keys create --scope run)), and what
 * it made on stderr: the secret is shown this once, only its hash is kept.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { coderingConfig } from '../../config';
import { CoderingError } from '../../errors';
// the key store itself, not the API's auth module: the CLI needs no HTTP plugin
import { KeyStore, type ApiKey } from '../../registry-api/auth/key-store';
import { isScope, SCOPES, type Scope } from '../../registry-api/auth/scopes';
import { REPOSITORY_ROOT } from '../config';
import { formatTable } from './table';

interface DataDirOption {
  dataDir?: string;
}

interface CreateOptions extends DataDirOption {
  scope: Scope[];
  name?: string;
  rateLimit?: number;
  maxInFlight?: number;
}

function scopes(value: string, previous: Scope[] = []): Scope[] {
  if (!isScope(value)) throw new InvalidArgumentError(`expected one of ${SCOPES.join(', ')}`);
  return [...previous, value];
}

function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more (0: no limit)');
  return Number(value);
}

/** The configured data directory, relative to the repository root like everywhere else, or the option's. */
function openKeys(options: DataDirOption): KeyStore {
  return KeyStore.open(path.resolve(REPOSITORY_ROOT, options.dataDir ?? coderingConfig().dataDir));
}

function withKeys<T>(options: DataDirOption, use: (keys: KeyStore) => T): T {
  const keys = openKeys(options);
  try {
    return use(keys);
  } finally {
    keys.close();
  }
}

const dataDirOption = () => new Option('--data-dir <dir>', 'the data directory (default: CODERING_DATA_DIR)');

/** A limit as `list` shows it: the key's own, or the configured one. */
function limit(value: number | null): string {
  if (value === null) return 'default';
  return value === 0 ? 'none' : String(value);
}

function describe(key: ApiKey): string {
  return `key ${key.id}${key.name === null ? '' : ` (${key.name})`}, scopes ${key.scopes.join(', ')}`;
}

export function addKeysCommand(program: Command, out: (text: string) => void, err: (text: string) => void): void {
  const keys = program.command('keys').description("the API's keys: create, list, revoke (works while the API runs)");

  keys
    .command('create')
    .description('make a key and print its secret, this once')
    .addOption(new Option('--scope <scope>', `what it may do: ${SCOPES.join(', ')} (repeatable)`).argParser(scopes).makeOptionMandatory())
    .option('--name <name>', 'who or what it is for')
    .option('--rate-limit <perMinute>', 'its own requests a minute (0: no limit; default: CODERING_RATE_LIMIT_PER_MINUTE)', count)
    .option('--max-in-flight <runs>', 'its own most runs in flight (0: no limit; default: CODERING_KEY_MAX_IN_FLIGHT)', count)
    .addOption(dataDirOption())
    .action((options: CreateOptions) => {
      const { key, secret } = withKeys(options, (store) =>
        store.create({ scopes: options.scope, name: options.name, rateLimitPerMinute: options.rateLimit, maxInFlight: options.maxInFlight }),
      );
      err(`made ${describe(key)}; its secret follows, shown this once (send it as Authorization: Bearer <secret>)\n`);
      out(`${secret}\n`);
    });

  keys
    .command('list')
    .description('every key, oldest first: id, name, scopes, limits, created, last used, revoked (never a secret)')
    .addOption(dataDirOption())
    .action((options: DataDirOption) => {
      const rows = withKeys(options, (store) => store.list()).map((key) => [
        key.id,
        key.name ?? '',
        key.scopes.join(','),
        limit(key.rateLimitPerMinute),
        limit(key.maxInFlight),
        key.createdAt,
        key.lastUsedAt ?? 'never',
        key.revokedAt ?? '',
      ]);
      out(`${formatTable(['ID', 'NAME', 'SCOPES', 'PER MINUTE', 'IN FLIGHT', 'CREATED', 'LAST USED', 'REVOKED'], rows)}\n`);
    });

  keys
    .command('revoke')
    .description('refuse a key from its next request on')
    .argument('<id>', 'the key id (`keys list`)')
    .addOption(dataDirOption())
    .action((id: string, options: DataDirOption) => {
      const [before, after] = withKeys(options, (store) => [store.get(id), store.revoke(id)]);
      if (before === undefined || after === undefined) throw new CoderingError('not_found', `no key ${id} (see codering keys list)`, { id });
      out(before.revokedAt === null ? `revoked ${describe(after)} at ${after.revokedAt}\n` : `${describe(before)} was already revoked at ${before.revokedAt}\n`);
    });
}
