/**
 * The registry API process: reads the configuration, wires the real dependencies (catalogue, the
 * platform and its image source from runtime-services.ts, job database, logger), listens, then lets
 * the app prepare its runtimes in the background (CODERING_PREBUILD), and shuts down gracefully.
 * Everything else lives in `buildApp`, which tests drive without a socket.
 */

import path from 'node:path';
import pino from 'pino';
import { isCoderingError } from '../errors';
import { loadCatalogue } from '../factory/catalogue';
import { buildApp } from './app';
import { announceAccess } from './auth';
import { coderingConfig, ConfigError, type CoderingConfig } from './config';
import { JobStore } from './jobs';
import { createRuntimeServices } from './runtime-services';

/** Past this, a shutdown stops waiting for in-flight runs and builds: the orchestrator would kill us anyway. */
const SHUTDOWN_DEADLINE_MS = 25_000;

export async function main(): Promise<void> {
  let config: Readonly<CoderingConfig>;
  try {
    config = coderingConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`codering registry-api: bad configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  const logger = pino({ level: config.logLevel });
  const catalogue = loadCatalogue();
  // the data directory first: a second process on it is refused before it touches the engine
  let store: JobStore;
  try {
    store = JobStore.inDataDir(path.resolve(config.dataDir));
  } catch (error) {
    if (isCoderingError(error) && error.code === 'data_dir_in_use') {
      console.error(`codering registry-api: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // local: one Docker client for the builder and the platform; nuclio: none at all
  const { platform, images } = await createRuntimeServices(config, { catalogue, logger });
  const app = buildApp({ config, catalogue, builder: images, platform, store, logger });
  announceAccess(config, store.database, logger);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, draining');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting with work in flight');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    try {
      await app.close(); // stops accepting, waits for in-flight requests, drains the build queue (bounded)
      await platform.close();
      store.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  void app.prepareRuntimes();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('codering registry-api failed to start:', error);
    process.exit(1);
  });
}
