/**
 * The registry API as a fastify instance, from injected dependencies only: the catalogue, the image
 * builder, the platform, the job store. `server.ts` wires the real ones and listens; tests wire fakes
 * and use `app.inject()`. The app owns what it creates (build jobs queue, executor, metrics) and
 * nothing it was given: whoever opened the platform and the store closes them.
 */

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Catalogue } from '../factory/catalogue';
import { documentAccess, KeyStore, openApiSecuritySchemes, registerAccessControl } from './auth';
import type { CoderingConfig } from './config';
import { Executor } from './executor';
import { Readiness } from './health';
import { handleError, handleNotFound, REQUEST_ID_HEADER, requestIdFor } from './http';
import { CataloguePrebuild, type ImageSource, RunImages, RuntimeWarmup } from './images';
import { BuildJobs, type JobStore } from './jobs';
import { ApiMetrics } from './metrics';
import type { Platform } from './platform';
import { capacityRoutes, healthRoutes, imageRoutes, keyRoutes, runRoutes, runSocketRoutes, runtimeRoutes, type RouteContext } from './routes';
import { withDocumentedLimits } from './contract/openapi-limits';
import websocket from '@fastify/websocket';
import { SOCKET_PROTOCOL } from './routes/run-socket-session';
import { CLOSE_CODE } from './websocket';

export interface AppDeps {
  config: Readonly<CoderingConfig>;
  catalogue: Catalogue;
  builder: ImageSource;
  platform: Platform;
  store: JobStore;
  /** API keys; default: those of the job store's database, on its connection. */
  keys?: KeyStore;
  /** A pino logger; default: fastify's own pino at `config.logLevel`. */
  logger?: FastifyBaseLogger;
  /** Default: a fresh registry with Node's default metrics. */
  metrics?: ApiMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Builds (if needed) and warms the pools of these runtimes (`python@latest`); `/readyz` answers
     * not_ready until they are warm. Failures are logged and shown by `/readyz`, never thrown.
     */
    warmRuntimes(specs: readonly string[]): Promise<void>;
    /**
     * What CODERING_PREBUILD asks of a starting API, while it serves: `default` warms the default
     * runtimes; `all` warms them, then builds every version of the catalogue, one build job at a
     * time, until done or the app closes; `none` does nothing (runs build on demand, and `/readyz`
     * needs only the engine). Resolves when all is done (the server does not wait for it); a second
     * call returns the same promise. Never rejects: failures are logged.
     */
    prepareRuntimes(): Promise<void>;
  }
}

/** How long closing the app waits for a running build before leaving it to the next start's recovery. */
const BUILD_DRAIN_MS = 10_000;
/** On Nuclio, a default runtime that could not be warmed is looked for again every this many refreshes of the functions. */
const WARM_RETRY_REFRESHES = 3;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger === undefined ? { logger: { level: config.logLevel } } : { loggerInstance: deps.logger }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdFor,
    ajv: {
      // Strict input: a typo'd field is an error, not silently dropped, and "5" is not 5.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
  }) as unknown as FastifyInstance;

  // Only JSON bodies: fastify's default text/plain parser would turn a 415 into a confusing 400.
  app.removeContentTypeParser('text/plain');

  const metrics = deps.metrics ?? new ApiMetrics({ defaultMetrics: true });
  const keys = deps.keys ?? new KeyStore(deps.store.database);
  const jobs = new BuildJobs({
    store: deps.store,
    builder: deps.builder,
    concurrency: config.buildConcurrency,
    queueMax: config.buildQueueMax,
    maxAttempts: config.buildMaxAttempts,
    log: app.log.child({ component: 'build-jobs' }),
  });
  metrics.observeSources({ capacity: () => deps.platform.capacity(), jobCounts: () => jobs.counts() });
  const images = new RunImages({ catalogue: deps.catalogue, builder: deps.builder, jobs, buildWaitMs: config.buildWaitMs });
  const executor = new Executor({
    platform: deps.platform,
    images,
    config,
    metrics,
    log: app.log.child({ component: 'executor' }),
  });
  const warmup = new RuntimeWarmup({
    images,
    platform: deps.platform,
    warmFloor: config.warmFloor,
    log: app.log,
    // On Nuclio a default runtime that failed is a function not ready or not deployed yet, which the
    // cluster mends without us: look again. Locally it is a failed build, which would only fail again.
    ...(deps.platform.name === 'nuclio' ? { retryFailedMs: config.nuclio.refreshMs * WARM_RETRY_REFRESHES } : {}),
  });
  const readiness = new Readiness({ platform: deps.platform, warmup, log: app.log.child({ component: 'readiness' }) });
  const context: RouteContext = {
    config,
    catalogue: deps.catalogue,
    platform: deps.platform,
    jobs,
    images,
    executor,
    metrics,
    readiness,
  };
  app.decorate('warmRuntimes', (specs: readonly string[]) => warmup.warm(specs));

  // Aborted when the app closes: the background prebuild stops between two builds.
  const closing = new AbortController();
  const prebuild = new CataloguePrebuild({ catalogue: deps.catalogue, images, log: app.log.child({ component: 'prebuild' }) });
  let prebuilding: Promise<unknown> = Promise.resolve();
  let preparing: Promise<void> | undefined;
  const prepareRuntimes = async (): Promise<void> => {
    if (config.prebuild === 'none') return;
    await warmup.warm(config.defaultRuntimes);
    if (config.prebuild !== 'all' || closing.signal.aborted) return;
    prebuilding = prebuild.run(closing.signal);
    await prebuilding;
  };
  app.decorate('prepareRuntimes', () => (preparing ??= prepareRuntimes()));

  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // CORS, keys, rate limits, runs in flight: before the routes (see auth/access-control.ts)
  registerAccessControl(app, { config, keys });
  // WebSocket upgrades go through the routes and their hooks like any request (keys, CORS, limits)
  void app.register(websocket, {
    options: {
      maxPayload: config.bodyLimitBytes,
      // the one subprotocol we speak, named back when offered (a key may ride along: access-control.ts)
      handleProtocols: (offered: Set<string>) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
    },
    // on shutdown, open sessions are told the server goes away (1001), not closed without a code
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(CLOSE_CODE.goingAway, 'the server is shutting down');
      this.websocketServer.close(() => done());
    },
  });
  // An upgrade answered over HTTP (refused by a hook, say) leaves a socket with no HTTP parser: it
  // ends. The plugin does so only when its own onRequest hook ran, and ours (keys) may refuse first.
  app.addHook('onResponse', async (request) => {
    if (request.raw.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket?.destroy();
  });

  void app.register(swagger, {
    openapi: {
      info: {
        title: 'codering-x registry API',
        description: 'Runtimes, image builds as jobs, and runs raced on warm workers',
        version: '1',
      },
      tags: [{ name: 'run' }, { name: 'runtimes' }, { name: 'images' }, { name: 'keys' }, { name: 'health' }],
      components: { securitySchemes: openApiSecuritySchemes(config.auth) },
    },
    transform: withDocumentedLimits(documentAccess(config.auth), config.defaultLimits, config.maxLimits),
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  // Routes in a plugin registered after swagger, so that swagger sees every one of them.
  void app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>();
    healthRoutes(api, context);
    capacityRoutes(api, context);
    runtimeRoutes(api, context);
    imageRoutes(api, context);
    keyRoutes(api, keys);
    runRoutes(api, context);
    runSocketRoutes(api, context);
  });

  app.addHook('onReady', async () => {
    jobs.recover();
  });
  app.addHook('onClose', async () => {
    closing.abort();
    warmup.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([prebuilding, jobs.close()]),
      new Promise((resolve) => (timer = setTimeout(resolve, BUILD_DRAIN_MS))),
    ]);
    clearTimeout(timer);
  });
  return app;
}
