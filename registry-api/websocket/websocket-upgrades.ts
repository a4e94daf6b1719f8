/**
 * WebSocket upgrades through fastify's own routing, so that a `GET /v1/run/ws` meets every hook a
 * plain request meets (CORS, keys, rate limit, runs in flight) before any handshake: the upgrade
 * request is routed with a response bound to its socket, and the route either completes the
 * handshake (`accept`, answering 101 and hijacking the reply) or answers over HTTP like any route,
 * after which the socket is ended (it has no HTTP parser left). The same way as @fastify/websocket,
 * without its dependency on `ws`: RFC 6455 is small (websocket-frames.ts, websocket-connection.ts).
 */

import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CoderingError } from '../../errors';
import { WebSocketConnection } from './websocket-connection';
import { CLOSE_CODE } from './websocket-frames';
import { handshakeProblem, offeredProtocols, switchingProtocols } from './websocket-handshake';

interface PendingUpgrade {
  socket: Duplex;
  head: Buffer;
}

export interface AcceptOptions {
  /** Protocols we speak, by preference: the first the client offered is named in the 101. */
  protocols: readonly string[];
  maxMessageBytes: number;
}

export class WebSocketUpgrades {
  private readonly pending = new WeakMap<IncomingMessage, PendingUpgrade>();
  private readonly live = new Set<WebSocketConnection>();

  /** Listens for upgrades on the app's server; call it once, before the app listens. */
  constructor(app: FastifyInstance) {
    const onUpgrade = (raw: IncomingMessage, socket: Duplex, head: Buffer): void => {
      this.pending.set(raw, { socket, head });
      const response = new ServerResponse(raw);
      // an answer over HTTP ends the socket: the client must not send another request on it
      response.shouldKeepAlive = false;
      response.assignSocket(socket as Socket);
      app.routing(raw, response);
    };
    app.server.on('upgrade', onUpgrade);
    app.addHook('onResponse', async (request) => {
      // answered over HTTP (refused, or a route that does not upgrade): the socket is done
      this.pending.get(request.raw)?.socket.end();
    });
    app.addHook('preClose', async () => {
      app.server.off('upgrade', onUpgrade);
      // the server's close waits for every socket: sessions still open are told it is going away
      for (const connection of this.live) connection.close(CLOSE_CODE.goingAway, 'the server is shutting down');
    });
  }

  /** The request asks for an upgrade (it came through the server's `upgrade` event). */
  asked(request: FastifyRequest): boolean {
    return this.pending.has(request.raw);
  }

  /** Completes the handshake: 101, the reply hijacked, the connection ours. Throws 400 for a bad handshake. */
  accept(request: FastifyRequest, reply: FastifyReply, options: AcceptOptions): WebSocketConnection {
    const upgrade = this.pending.get(request.raw);
    if (upgrade === undefined) throw new CoderingError('invalid_request', 'this request does not ask for a WebSocket', {});
    const problem = handshakeProblem(request.method, request.headers);
    if (problem !== undefined) throw new CoderingError('invalid_request', `not a WebSocket handshake: ${problem}`, {});
    const offered = offeredProtocols(request.headers['sec-websocket-protocol']);
    const protocol = options.protocols.find((candidate) => offered.includes(candidate));
    reply.hijack();
    this.pending.delete(request.raw);
    upgrade.socket.write(switchingProtocols(request.headers['sec-websocket-key'] as string, protocol, { 'x-request-id': request.id }));
    const connection = new WebSocketConnection(upgrade.socket, upgrade.head, { role: 'server', maxMessageBytes: options.maxMessageBytes });
    this.live.add(connection);
    connection.onClose(() => this.live.delete(connection));
    return connection;
  }
}
