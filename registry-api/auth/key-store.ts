/**
 * API keys in the service's database (`api_keys`): id, name, scopes, optional limits of their own,
 * the SHA-256 of the secret (key-secret.ts), and when each was created, last used and revoked. The
 * API verifies every request against it, so a key revoked by `codering keys revoke` in another
 * process stops working at the next request: nothing is cached.
 */

import type Database from 'better-sqlite3';
import path from 'node:path';
import { CoderingError } from '../../errors';
import { DATABASE_FILE, openServiceDatabase } from '../database';
import { keyIdOf, newKeySecret, secretMatches } from './key-secret';
import { isScope, SCOPES, type Scope } from './scopes';

export interface ApiKey {
  id: string;
  name: string | null;
  scopes: Scope[];
  /** Its own requests-a-minute limit; null: the configured one. 0: none. */
  rateLimitPerMinute: number | null;
  /** Its own most runs in flight; null: the configured one. 0: none. */
  maxInFlight: number | null;
  createdAt: string;
  /** To the minute: a key's use is written at most once a minute (see LAST_USED_RESOLUTION_MS). */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface NewKey {
  scopes: readonly Scope[];
  name?: string | null;
  rateLimitPerMinute?: number | null;
  maxInFlight?: number | null;
}

/** What a presented key turned out to be. */
export type KeyCheck = { valid: true; key: ApiKey } | { valid: false; reason: 'malformed' | 'unknown' | 'revoked' };

interface KeyRow {
  id: string;
  name: string | null;
  secret_sha256: string;
  scopes: string;
  rate_limit_per_minute: number | null;
  max_in_flight: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A request writes its key's `last_used_at` only when the stored one is older than this. */
const LAST_USED_RESOLUTION_MS = 60_000;
const NAME_MAX = 100;

export class KeyStore {
  /** When this process last wrote each key's use: at most one write a minute per key. */
  private readonly usedWritten = new Map<string, number>();

  /** On a connection someone else owns and closes (the API's, shared with its job store). */
  constructor(
    private readonly db: Database.Database,
    private readonly ownsConnection = false,
  ) {}

  /**
   * The keys of a data directory, on a connection of its own, without the directory's lock: that
   * lock keeps a second API process from recovering the first one's build jobs, and has nothing to
   * do with keys. So `codering keys` works while the API runs; WAL and the busy timeout order the
   * two processes' writes.
   */
  static open(dataDir: string): KeyStore {
    return new KeyStore(openServiceDatabase(path.join(dataDir, DATABASE_FILE)), true);
  }

  create(input: NewKey): { key: ApiKey; secret: string } {
    const scopes = SCOPES.filter((scope) => input.scopes.includes(scope));
    if (scopes.length === 0) throw new CoderingError('invalid_request', `a key needs at least one scope: ${SCOPES.join(', ')}`, { scopes: input.scopes });
    const name = input.name?.trim() || null;
    if (name !== null && name.length > NAME_MAX) throw new CoderingError('invalid_request', `a key's name has at most ${NAME_MAX} characters`, { name });
    for (const [field, value] of [['rateLimitPerMinute', input.rateLimitPerMinute], ['maxInFlight', input.maxInFlight]] as const) {
      if (value !== undefined && value !== null && !(Number.isInteger(value) && value >= 0)) {
        throw new CoderingError('invalid_request', `${field} must be a whole number, 0 or more (0: no limit)`, { [field]: value });
      }
    }
    const secret = newKeySecret();
    const row: KeyRow = {
      id: secret.id,
      name,
      secret_sha256: secret.sha256,
      scopes: scopes.join(','),
      rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      max_in_flight: input.maxInFlight ?? null,
      created_at: new Date().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, secret_sha256, scopes, rate_limit_per_minute, max_in_flight, created_at, last_used_at, revoked_at)
         VALUES (@id, @name, @secret_sha256, @scopes, @rate_limit_per_minute, @max_in_flight, @created_at, @last_used_at, @revoked_at)`,
      )
      .run(row);
    return { key: fromRow(row), secret: secret.text };
  }

  /** Oldest first, revoked ones included. */
  list(): ApiKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, rowid').all() as KeyRow[]).map(fromRow);
  }

  get(id: string): ApiKey | undefined {
    const row = this.row(id);
    return row === undefined ? undefined : fromRow(row);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
  }

  /** The key from now on refused; revoking twice keeps the first time. Undefined: no such key. */
  revoke(id: string): ApiKey | undefined {
    this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id);
    return this.get(id);
  }

  /** What the text a client sent is: a valid key (its use recorded), or why not. */
  check(text: string, now = Date.now()): KeyCheck {
    const id = keyIdOf(text);
    if (id === undefined) return { valid: false, reason: 'malformed' };
    const row = this.row(id);
    if (row === undefined || !secretMatches(text, row.secret_sha256)) return { valid: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { valid: false, reason: 'revoked' };
    const key = fromRow(row);
    this.recordUse(key, now);
    return { valid: true, key };
  }

  close(): void {
    if (this.ownsConnection && this.db.open) this.db.close();
  }

  private row(id: string): KeyRow | undefined {
    return this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
  }

  private recordUse(key: ApiKey, now: number): void {
    const stored = key.lastUsedAt === null ? 0 : Date.parse(key.lastUsedAt);
    const written = Math.max(stored, this.usedWritten.get(key.id) ?? 0);
    if (now - written < LAST_USED_RESOLUTION_MS) return;
    this.usedWritten.set(key.id, now);
    key.lastUsedAt = new Date(now).toISOString();
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(key.lastUsedAt, key.id);
  }
}

function fromRow(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(',').filter(isScope),
    rateLimitPerMinute: row.rate_limit_per_minute,
    maxInFlight: row.max_in_flight,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
