/**
 * `GET /v1/run/ws`: a run with interactive stdin, over a WebSocket (run-socket-session.ts). The
 * upgrade meets every hook a run meets (key, rate limit, runs in flight) before its handshake.
 */

import { Type } from '@sinclair/typebox';
import { CoderingError } from '../../errors';
import { errorResponses, socketErrorMessageSchema, socketOutputMessageSchema, socketResultMessageSchema, stdinMessageSchema } from '../contract';
import { WebSocketConnection } from '../websocket';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';
import { RunSocketSession } from './run-socket-session';
import { runSocketDescription } from './run-stream-docs';

export function runSocketRoutes(app: ApiInstance, context: RouteContext): void {
  const { config } = context;
  const anyOrigin = config.corsOrigins.includes('*');
  app.route({
    method: 'GET',
    url: '/v1/run/ws',
    schema: {
      summary: 'Run a program with interactive stdin, over a WebSocket',
      description: runSocketDescription(config),
      tags: ['run'],
      response: {
        101: {
          description: `Switching Protocols: the session begins. Its messages from the server are below; the client's, after the run request, are ${JSON.stringify(stdinMessageSchema)}`,
          content: { 'application/json': { schema: Type.Union([socketOutputMessageSchema, socketResultMessageSchema, socketErrorMessageSchema]) } },
        },
        ...errorResponses,
      },
    },
    // before the handshake, so that a refusal is an HTTP answer with the usual error body
    preHandler: async (request) => {
      if (context.platform.name === 'nuclio') {
        throw new CoderingError('interactive_unsupported', 'interactive runs need the local platform: a Nuclio function takes its stdin with the event; send stdin with POST /v1/run', {});
      }
      // no preflight guards a WebSocket: a page of another origin is refused here, as CORS refuses its requests
      const origin = request.headers.origin;
      if (origin !== undefined && !anyOrigin && !config.corsOrigins.includes(origin)) {
        throw new CoderingError('forbidden', `origin ${origin} is not among the origins this API allows (CODERING_CORS_ORIGINS)`, { origin });
      }
    },
    handler: async (_request, reply) => {
      void reply.header('upgrade', 'websocket');
      throw new CoderingError('upgrade_required', 'GET /v1/run/ws is a WebSocket: open it with Upgrade: websocket', {});
    },
    wsHandler: (socket, request) => {
      new RunSocketSession(new WebSocketConnection(socket), request, context.executor, config);
    },
  });
}
