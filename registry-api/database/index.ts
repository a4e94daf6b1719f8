/** The service's SQLite database: one file per data directory, its schema as numbered migrations. */
export { appliedMigrations, DATABASE_FILE, openServiceDatabase } from './service-database';
export { MIGRATIONS } from './migrations';
