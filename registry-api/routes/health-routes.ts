/**
 * Probes and metrics. `/healthz` says the process answers (liveness: restart me if not); `/readyz`
 * says runs would be served now (readiness: the engine answers and the default pools are warm).
 */

import { CoderingError } from '../../errors';
import { errorResponses, healthSchema } from '../contract';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';

/** A readiness probe must answer quickly even when the engine hangs. */
const READY_TIMEOUT_MS = 2000;

export function healthRoutes(app: ApiInstance, context: RouteContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['health'],
        response: { 200: healthSchema },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the engine answers and the default pools are warm',
        tags: ['health'],
        response: { 200: healthSchema, ...errorResponses },
      },
    },
    async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      });
      const ready = await Promise.race([context.platform.ready().catch(() => false), timeout]);
      clearTimeout(timer);
      const runtimes = context.warmup.state();
      const cold = Object.entries(runtimes).filter(([, state]) => state !== 'warm');
      if (!ready || cold.length > 0) {
        const why = !ready
          ? 'the engine does not answer or a pool has no live worker'
          : `not warm yet: ${cold.map(([spec, state]) => `${spec} (${state})`).join(', ')}`;
        throw new CoderingError('not_ready', why, { engine: ready, runtimes }, { retryAfterSeconds: 5 });
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['health'], produces: ['text/plain'] } },
    async (_request, reply) => {
      void reply.header('content-type', context.metrics.registry.contentType);
      return context.metrics.registry.metrics();
    },
  );
}
