/**
 * Probes and metrics. `/healthz` says the process answers (liveness: restart me if not); `/readyz`
 * says runs would be served now (readiness: the engine answers and the default runtimes are warm;
 * see health/readiness.ts). A not-ready answer is `busy`, not a failure of ours: the error handler
 * does not log it as an error, and `Readiness` logs each change once.
 */

import { CoderingError } from '../../errors';
import { errorResponses, healthSchema } from '../contract';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';

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
        summary: 'Readiness: the engine answers and the default runtimes are warm',
        tags: ['health'],
        response: { 200: healthSchema, ...errorResponses },
      },
    },
    async () => {
      const report = await context.readiness.check();
      if (!report.ready) {
        throw new CoderingError(
          'not_ready',
          report.message,
          { engine: report.engine, runtimes: report.runtimes },
          { retryAfterSeconds: 5 },
        );
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
