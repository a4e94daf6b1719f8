/**
 * Defaults chosen for one 2-core machine (see FACTS.md): limits close to codapi's and Judge0's, two warm
 * workers per runtime (one race), one build at a time.
 */

import { availableParallelism } from 'node:os';
import type { RegistryConfig } from './registry-config';

const MiB = 1024 * 1024;

export const DEFAULT_CONFIG: RegistryConfig = {
  host: '127.0.0.1',
  port: 8080,
  platform: 'local',
  dataDir: '.data',
  logLevel: 'info',
  defaultRuntimes: ['python@latest', 'node@latest', 'php@latest'],
  // three per runtime: a pair races on two while the third's prewarmed interpreter gets ready
  poolSize: 3,
  poolMaxTotal: 16,
  queueMax: 32,
  raceMode: 'pair',
  // a pair costs two cores: beyond this many runs at once, a pair run is hedged instead
  pairMaxInFlight: Math.max(1, Math.floor(availableParallelism() / 2)),
  retries: 2,
  runMarginMs: 3000,
  acquireTimeoutMs: 15_000,
  cancelGraceMs: 2000,
  cleanBudgetMs: 5000,
  hedge: { defaultDelayMs: 250, floorMs: 20, windowSize: 200, minSamples: 20 },
  buildConcurrency: 1,
  buildQueueMax: 50,
  buildWaitMs: 10 * 60_000,
  buildMaxAttempts: 2,
  bodyLimitBytes: MiB,
  maxFiles: 64,
  maxFilesBytes: 512 * 1024,
  maxArgs: 64,
  maxArgBytes: 4096,
  maxStdinBytes: 256 * 1024,
  maxLimits: {
    wallMs: 20_000,
    cpuMs: 20_000,
    compileWallMs: 60_000,
    memoryBytes: 512 * MiB,
    outputBytes: MiB,
    processes: 256,
    fileBytes: 64 * MiB,
  },
  defaultLimits: {
    wallMs: 5000,
    cpuMs: 5000,
    compileWallMs: 20_000,
    memoryBytes: 128 * MiB,
    outputBytes: 64 * 1024,
    processes: 64,
    fileBytes: 8 * MiB,
  },
  nuclio: {
    dashboardUrl: 'http://nuclio-dashboard.nuclio.svc.cluster.local:8070',
    namespace: 'nuclio',
    project: 'codering',
    functionPrefix: 'codering-',
    invokeTimeoutMs: 30_000,
  },
};
