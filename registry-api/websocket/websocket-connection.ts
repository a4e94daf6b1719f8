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

  /**
   * The heartbeat of ws's README: a ping every `intervalMs`, and a peer that has not answered the
   * previous one (no pong) by the next is dropped, so within two intervals. A peer that vanishes
   * without a FIN (a laptop's lid shut, its network gone) is otherwise never heard of again: TCP
   * may say nothing for hours, `onClose` never comes, and what the connection holds stays held. The
   * drop is a close like any other (1006, no closing handshake: nobody would answer it). Browsers
   * and ws answer pings by themselves. `onSilent` hears of a drop first; 0 or less: no pings.
   */
  keepAlive(intervalMs: number, onSilent?: () => void): void {
    if (intervalMs <= 0 || this.socket.readyState === this.socket.CLOSED) return;
    let answered = true;
    this.socket.on('pong', () => {
      answered = true;
    });
    const timer = setInterval(() => {
      if (!answered) {
        onSilent?.();
        this.socket.terminate();
        return;
      }
      answered = false;
      // a closing socket is not pinged: its peer has until the next tick to finish the handshake
      if (this.open) this.socket.ping();
    }, intervalMs);
    this.socket.once('close', () => clearInterval(timer));
  }

  /** Drops the connection without the closing handshake (as a peer that goes away does). */
  terminate(): void {
    this.socket.terminate();
  }
}
