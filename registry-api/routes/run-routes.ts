/** `POST /v1/run`: a user's program, raced on warm workers. The user's failure is a 200 with its status. */

import { errorResponses, runRequestSchema, runResponseSchema } from '../contract';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';

export function runRoutes(app: ApiInstance, context: RouteContext): void {
  app.post(
    '/v1/run',
    {
      schema: {
        summary: 'Run a program: first well-formed answer of two warm workers wins',
        tags: ['run'],
        body: runRequestSchema,
        response: { 200: runResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      // A client that goes away cancels its run: its workers are freed for the next one.
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return context.executor.run(request.body, { requestId: request.id, signal: abort.signal });
    },
  );
}
