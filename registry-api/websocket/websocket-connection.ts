/**
 * One WebSocket as the run session and its callers use it: whole messages in, text out, a close with
 * a code and a reason. Over `ws` (the protocol itself: frames, fragments, pings, UTF-8 checks, the
 * closing handshake), on the server through @fastify/websocket, on a client through `ws` directly.
 */

import type { WebSocket } from 'ws';

/** The close codes the service uses (RFC 6455 §7.4.1); an error closes with 4000 + its HTTP status. */
export const CLOSE_CODE = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
} as const;

export interface WebSocketMessage {
  data: Buffer;
  binary: boolean;
}

export class WebSocketConnection {
  constructor(private readonly socket: WebSocket) {}

  /** Messages can still be sent: neither side has begun to close. */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  onMessage(listener: (message: WebSocketMessage) => void): void {
    this.socket.on('message', (data, binary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      listener({ data: bytes, binary });
    });
  }

  /** Called once, when the connection is over (closed by either side, or dropped). */
  onClose(listener: (code: number, reason: string) => void): void {
    this.socket.once('close', (code, reason) => listener(code, reason.toString('utf8')));
  }

  send(text: string): void {
    if (this.open) this.socket.send(text);
  }

  close(code: number = CLOSE_CODE.normal, reason = ''): void {
    // a reason is at most 123 bytes (a close frame's payload is 125 with the code)
    if (this.open) this.socket.close(code, Buffer.from(reason, 'utf8').subarray(0, 123).toString('utf8'));
  }

  /** Drops the connection without the closing handshake (as a peer that goes away does). */
  terminate(): void {
    this.socket.terminate();
  }
}
