import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appliedMigrations, DATABASE_FILE, MIGRATIONS, openServiceDatabase } from '../../../registry-api/database';

let dataDir: string;
let file: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'codering-db-'));
  file = path.join(dataDir, 'nested', DATABASE_FILE);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the service's database", () => {
  test('a new file: its folder made, WAL, a busy timeout, every migration applied in order', () => {
    const db = openServiceDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(appliedMigrations(db)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables).toEqual(expect.arrayContaining([{ name: 'api_keys' }, { name: 'build_jobs' }, { name: 'schema_migrations' }]));
    db.close();
  });

  test('opening again applies nothing twice; a newer list applies only what is new, keeping the rows', () => {
    const first = openServiceDatabase(file, MIGRATIONS.slice(0, 1));
    expect(appliedMigrations(first)).toEqual([1]);
    first.prepare(`INSERT INTO build_jobs (id, state, runtime, runtime_id, libraries, job_key, created_at, updated_at)
      VALUES ('j', 'queued', 'python@3', 'python@3.11.2', '[]', 'k', 'now', 'now')`).run();
    first.close();
    const second = openServiceDatabase(file);
    expect(appliedMigrations(second)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    expect(second.prepare('SELECT COUNT(*) AS n FROM build_jobs').get()).toEqual({ n: 1 });
    second.close();
    const third = openServiceDatabase(file);
    expect(appliedMigrations(third)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    third.close();
  });

  test('a migration that fails is not recorded, and the file is left as it was', () => {
    expect(() => openServiceDatabase(file, [...MIGRATIONS, 'CREATE TABLE broken (;'])).toThrow();
    const db = new Database(file, { readonly: true });
    expect(appliedMigrations(db)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    db.close();
  });
});
