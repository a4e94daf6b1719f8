/**
 * `POST /v1/run`: a user's program, raced on warm workers. The user's failure is a 200 with its status.
 * With `Accept: text/event-stream` the answer is server-sent events instead (run-event-stream.ts).
 */

import { errorResponses, runRequestSchema, runResponseSchema } from '../contract';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';
import { acceptsEventStream, answerWithEvents } from './run-event-stream';
import { eventStreamResponse } from './run-stream-docs';

export function runRoutes(app: ApiInstance, context: RouteContext): void {
  app.post(
    '/v1/run',
    {
      schema: {
        summary: 'Run a program: first well-formed answer of two warm workers wins',
        description:
          'Answers JSON; with `Accept: text/event-stream`, server-sent events while the program runs (on one worker: no race), then the same answer as a `result` event.',
        tags: ['run'],
        body: runRequestSchema,
        response: { 200: { description: 'The run\'s answer', content: { 'application/json': { schema: runResponseSchema }, ...eventStreamResponse } }, ...errorResponses },
      },
    },
    async (request, reply) => {
      // A client that goes away cancels its run: its workers are freed for the next one.
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      if (acceptsEventStream(request.headers.accept)) return answerWithEvents(request, request.body, reply, context.executor, abort.signal);
      return context.executor.run(request.body, { requestId: request.id, signal: abort.signal });
    },
  );
}
