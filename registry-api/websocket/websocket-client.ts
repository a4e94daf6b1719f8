/**
 * A WebSocket client for Node callers of `GET /v1/run/ws` (the tests, the stream bench), over `ws`.
 * Browsers have their own (`new WebSocket(url, protocols)`).
 */

import { WebSocket } from 'ws';
import { WebSocketConnection } from './websocket-connection';

export interface ConnectOptions {
  /** Offered as `Sec-WebSocket-Protocol`, in order. */
  protocols?: string[];
  headers?: Record<string, string>;
  maxMessageBytes?: number;
  /** false: the server's pings go unanswered, as from a client that vanished (the heartbeat's tests). */
  autoPong?: boolean;
}

/** The server answered the upgrade with HTTP instead (an error body, say). */
export class WebSocketRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the server refused the WebSocket: HTTP ${status}: ${body.slice(0, 200)}`);
    this.name = 'WebSocketRefused';
  }
}

export interface ClientConnection {
  connection: WebSocketConnection;
  /** The protocol the server chose, if any. */
  protocol: string | undefined;
}

export function connectWebSocket(url: string, options: ConnectOptions = {}): Promise<ClientConnection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], {
      headers: options.headers,
      maxPayload: options.maxMessageBytes ?? 64 * 1024 * 1024,
      autoPong: options.autoPong ?? true,
    });
    // listeners of the caller's come on at once: messages sent right after the handshake wait for them
    const connection = new WebSocketConnection(socket);
    socket.once('open', () => resolve({ connection, protocol: socket.protocol === '' ? undefined : socket.protocol }));
    socket.once('unexpected-response', (request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        // with this listener on, ending the request is ours (ws leaves the socket open otherwise)
        request.destroy();
        reject(new WebSocketRefused(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      });
      response.on('error', reject);
    });
    socket.once('error', reject);
  });
}
