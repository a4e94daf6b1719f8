/**
 * Build jobs in SQLite (`<dataDir>/codering.db`): they must survive a restart, and a job is only a
 * few rows, so an embedded database beats a server. WAL lets `/v1/images/jobs` read while a build
 * writes its progress. The schema is the service database's numbered migrations (registry-api/database).
 */

import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE, openServiceDatabase } from '../database';
import type { BuildJob, JobState } from './build-job';
import { JOB_STATES } from './build-job';
import { DataDirLock } from './data-dir-lock';

interface JobRow {
  id: string;
  state: JobState;
  runtime: string;
  runtime_id: string;
  libraries: string;
  job_key: string;
  progress: string | null;
  image: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

export { DATABASE_FILE };

export class JobStore {
  private readonly db: Database.Database;
  /** Held while a store opened in a data directory is open: one API process per directory. */
  private lock: DataDirLock | undefined;

  /** Opens (creating the folder and the file if needed) and migrates. `:memory:` works for tests. */
  constructor(file: string) {
    this.db = openServiceDatabase(file);
  }

  /** The connection, for the service's other stores (API keys) to share: one database, one handle. */
  get database(): Database.Database {
    return this.db;
  }

  /** The directory's store, for this process alone (DataDirLock): a second process is refused. */
  static inDataDir(dataDir: string): JobStore {
    mkdirSync(dataDir, { recursive: true });
    const lock = DataDirLock.acquire(dataDir);
    try {
      const store = new JobStore(path.join(dataDir, DATABASE_FILE));
      store.lock = lock;
      return store;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  insert(job: BuildJob): void {
    this.db
      .prepare(
        `INSERT INTO build_jobs (id, state, runtime, runtime_id, libraries, job_key, progress, image,
           image_reference, error, attempts, created_at, updated_at)
         VALUES (@id, @state, @runtime, @runtime_id, @libraries, @job_key, @progress, @image, @image_reference,
           @error, @attempts, @created_at, @updated_at)`,
      )
      .run(toRow(job));
  }

  /** Writes every mutable field of `job` (state, progress, image, error, attempts) and stamps it. */
  update(job: BuildJob): BuildJob {
    const updated = { ...job, updatedAt: now() };
    this.db
      .prepare(
        `UPDATE build_jobs SET state = @state, progress = @progress, image = @image,
           image_reference = @image_reference, error = @error, attempts = @attempts, updated_at = @updated_at
         WHERE id = @id`,
      )
      .run(toRow(updated));
    return updated;
  }

  get(id: string): BuildJob | undefined {
    const row = this.db.prepare('SELECT * FROM build_jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** The queued or building job for a key, if any (idempotency by content). */
  findActive(key: string): BuildJob | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM build_jobs WHERE job_key = ? AND state IN ('queued', 'building')
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(key) as JobRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** The newest succeeded job that produced `reference` (makes a built image runnable by reference). */
  findByImage(reference: string): BuildJob | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM build_jobs WHERE image_reference = ? AND state = 'succeeded'
         ORDER BY updated_at DESC LIMIT 1`,
      )
      .get(reference) as JobRow | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  /** Newest first. */
  list(limit: number, state?: JobState): BuildJob[] {
    const rows = (
      state === undefined
        ? this.db.prepare('SELECT * FROM build_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT * FROM build_jobs WHERE state = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
            .all(state, limit)
    ) as JobRow[];
    return rows.map(fromRow);
  }

  /** Jobs a previous process left queued or building, oldest first. */
  unfinished(): BuildJob[] {
    const rows = this.db
      .prepare(`SELECT * FROM build_jobs WHERE state IN ('queued', 'building') ORDER BY created_at, rowid`)
      .all() as JobRow[];
    return rows.map(fromRow);
  }

  counts(): Record<JobState, number> {
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM build_jobs GROUP BY state').all() as {
      state: JobState;
      n: number;
    }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.lock?.release();
    this.lock = undefined;
  }
}

function now(): string {
  return new Date().toISOString();
}

function toRow(job: BuildJob): JobRow & { image_reference: string | null } {
  return {
    id: job.id,
    state: job.state,
    runtime: job.runtime,
    runtime_id: job.runtimeId,
    libraries: JSON.stringify(job.libraries),
    job_key: job.key,
    progress: job.progress === null ? null : JSON.stringify(job.progress),
    image: job.image === null ? null : JSON.stringify(job.image),
    image_reference: job.image?.reference ?? null,
    error: job.error === null ? null : JSON.stringify(job.error),
    attempts: job.attempts,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  };
}

function fromRow(row: JobRow): BuildJob {
  return {
    id: row.id,
    state: row.state,
    runtime: row.runtime,
    runtimeId: row.runtime_id,
    libraries: JSON.parse(row.libraries) as string[],
    key: row.job_key,
    progress: row.progress === null ? null : (JSON.parse(row.progress) as BuildJob['progress']),
    image: row.image === null ? null : (JSON.parse(row.image) as BuildJob['image']),
    error: row.error === null ? null : (JSON.parse(row.error) as BuildJob['error']),
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
