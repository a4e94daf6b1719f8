/**
 * A WebSocket client of our own, for Node callers of `GET /v1/run/ws` (the tests, the stream bench):
 * the handshake over `http.request`, then a client's side of a WebSocketConnection. Browsers have
 * their own (`new WebSocket(url, protocols)`).
 */

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { WebSocketConnection } from './websocket-connection';
import { acceptKey } from './websocket-handshake';

export interface ConnectOptions {
  /** Offered as `Sec-WebSocket-Protocol`, in order. */
  protocols?: string[];
  headers?: Record<string, string>;
  maxMessageBytes?: number;
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
  const key = randomBytes(16).toString('base64');
  const protocols = options.protocols ?? [];
  return new Promise((resolve, reject) => {
    const request = http.request(url.replace(/^ws/, 'http'), {
      headers: {
        ...options.headers,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': key,
        ...(protocols.length > 0 ? { 'sec-websocket-protocol': protocols.join(', ') } : {}),
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => reject(new WebSocketRefused(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
    });
    request.on('upgrade', (response, socket, head) => {
      if (response.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        reject(new Error('the server did not prove it read our key (Sec-WebSocket-Accept)'));
        return;
      }
      const protocol = response.headers['sec-websocket-protocol'];
      if (protocol !== undefined && !protocols.includes(protocol)) {
        socket.destroy();
        reject(new Error(`the server chose a protocol we did not offer: ${protocol}`));
        return;
      }
      const connection = new WebSocketConnection(socket, head, { role: 'client', maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024 });
      resolve({ connection, protocol });
    });
    request.end();
  });
}
