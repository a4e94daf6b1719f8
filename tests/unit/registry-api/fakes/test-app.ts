/**
 * An app on fakes, with a real SQLite file in a temporary folder, and an admin key in it: `t.admin`
 * are the headers that send it (builds, jobs, capacity, metrics and keys need a key; runs don't,
 * under the default CODERING_AUTH=run-open).
 */

import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../../../registry-api';
import { KeyStore } from '../../../../registry-api/auth';
import { loadConfig, type ConfigOverrides } from '../../../../registry-api/config';
import { JobStore } from '../../../../registry-api/jobs';
import { ApiMetrics } from '../../../../registry-api/metrics';
import { FakeBuilder } from './fake-builder';
import { FakePlatform } from './fake-platform';
import { testCatalogue } from './test-catalogue';

export interface TestApp {
  app: FastifyInstance;
  platform: FakePlatform;
  builder: FakeBuilder;
  store: JobStore;
  keys: KeyStore;
  /** `Authorization: Bearer <an admin key>`. */
  admin: { authorization: string };
  dataDir: string;
  close(): Promise<void>;
}

export async function makeTestApp(
  options: {
    overrides?: ConfigOverrides;
    platform?: FakePlatform;
    builder?: FakeBuilder;
    dataDir?: string;
    /** Default: silent. */
    logger?: FastifyBaseLogger;
  } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'codering-api-'));
  const config = loadConfig({}, { logLevel: 'silent', dataDir, ...options.overrides });
  const platform = options.platform ?? new FakePlatform();
  const builder = options.builder ?? new FakeBuilder();
  builder.preBuild('python@3.13.5');
  builder.preBuild('python@3.11.2');
  builder.preBuild('c@12.2.0');
  const store = JobStore.inDataDir(dataDir);
  const keys = new KeyStore(store.database);
  const admin = bearer(keys.create({ scopes: ['admin'], name: 'tests' }).secret);
  const app = buildApp({
    config,
    catalogue: testCatalogue(),
    builder,
    platform,
    store,
    metrics: new ApiMetrics(),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  await app.ready();
  return {
    app,
    platform,
    builder,
    store,
    keys,
    admin,
    dataDir,
    async close() {
      await app.close();
      store.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The headers that send a key. */
export function bearer(secret: string): { authorization: string } {
  return { authorization: `Bearer ${secret}` };
}

export const hello = { runtime: 'python@3', files: [{ name: 'main.py', content: 'print("hello")' }] };
