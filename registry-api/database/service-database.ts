/**
 * The service's one SQLite database, `<dataDir>/codering.db`: build jobs and API keys. Opened by the
 * API (through its job store, under the data directory's lock) and by the CLI (`codering keys`,
 * without the lock, while the API runs): WAL lets readers go on while one writes, and the busy
 * timeout makes a second writer wait for the first instead of failing.
 */

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations';

export const DATABASE_FILE = 'codering.db';

/** How long a writer waits for another one (another process: the API, the CLI) before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Opens (creating the folder and the file if needed) and migrates. `:memory:` works for tests. */
export function openServiceDatabase(file: string, migrations: readonly string[] = MIGRATIONS): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The versions applied so far, in order. */
export function appliedMigrations(db: Database.Database): number[] {
  return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((row) => row.version);
}

function migrate(db: Database.Database, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  migrations.forEach((sql, index) => {
    const version = index + 1;
    if (isApplied.get(version) !== undefined) return;
    // IMMEDIATE takes the write lock first, and the check is made again under it: two processes
    // opening a new database at once (the API and `codering keys`) apply each migration once.
    db.transaction(() => {
      if (isApplied.get(version) !== undefined) return;
      db.exec(sql);
      record.run(version, new Date().toISOString());
    }).immediate();
  });
}
