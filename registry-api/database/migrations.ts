/**
 * The schema of the service's database (`<dataDir>/codering.db`), as numbered migrations: the n-th
 * entry is version n, applied once and recorded in `schema_migrations`. Append only: a migration
 * that shipped is never edited, a change is a new entry.
 */

export const MIGRATIONS: readonly string[] = [
  // 1: build jobs (registry-api/jobs)
  `CREATE TABLE build_jobs (
     id TEXT PRIMARY KEY,
     state TEXT NOT NULL CHECK (state IN ('queued', 'building', 'succeeded', 'failed')),
     runtime TEXT NOT NULL,
     runtime_id TEXT NOT NULL,
     libraries TEXT NOT NULL,
     job_key TEXT NOT NULL,
     progress TEXT,
     image TEXT,
     image_reference TEXT,
     error TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX build_jobs_key_state ON build_jobs (job_key, state);
   CREATE INDEX build_jobs_created ON build_jobs (created_at);
   CREATE INDEX build_jobs_image ON build_jobs (image_reference);`,
  // 2: API keys (registry-api/auth): the secret's SHA-256 only, never the secret
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT,
     secret_sha256 TEXT NOT NULL,
     scopes TEXT NOT NULL,
     rate_limit_per_minute INTEGER CHECK (rate_limit_per_minute >= 0),
     max_in_flight INTEGER CHECK (max_in_flight >= 0),
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked_at TEXT
   );`,
];
