/**
 * One WebSocket connection over a socket whose handshake is done: whole messages in (fragments put
 * together, pings answered, text checked as UTF-8), text messages out, and the closing handshake.
 * A server's side or a client's: they differ only in who masks (RFC 6455 §5.3).
 */

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { CLOSE_CODE, encodeFrame, FrameDecoder, OPCODE, WebSocketProtocolError, type Frame } from './websocket-frames';

/** How long a close we sent waits for the peer's before the socket is dropped. */
const CLOSE_WAIT_MS = 1000;
/** The code a connection ends with when no close frame came (RFC 6455 §7.1.5: never sent). */
export const ABNORMAL_CLOSURE = 1006;

export interface WebSocketConnectionOptions {
  role: 'server' | 'client';
  /** The largest message, its fragments together: past it the connection closes with 1009. */
  maxMessageBytes: number;
}

export interface WebSocketMessage {
  data: Buffer;
  binary: boolean;
}

export class WebSocketConnection {
  private readonly decoder: FrameDecoder;
  private fragments: Buffer[] = [];
  private fragmentsBytes = 0;
  private fragmentOpcode: number | null = null;
  private closeSent = false;
  private ended = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private received: { code: number; reason: string } | null = null;
  private readonly messageListeners: ((message: WebSocketMessage) => void)[] = [];
  private readonly closeListeners: ((code: number, reason: string) => void)[] = [];

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    private readonly options: WebSocketConnectionOptions,
  ) {
    this.decoder = new FrameDecoder((frame) => this.onFrame(frame), {
      expectMasked: options.role === 'server',
      maxPayloadBytes: options.maxMessageBytes,
    });
    (socket as Duplex & { setNoDelay?(noDelay: boolean): void }).setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    // a peer that ends its side without a close frame is gone: so is ours
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onSocketClosed());
    socket.resume();
    // what came with the handshake, once the caller has its listeners on
    if (head.length > 0) queueMicrotask(() => this.feed(head));
  }

  /** Messages can still be sent: neither side has begun to close. */
  get open(): boolean {
    return !this.closeSent && this.received === null && !this.ended;
  }

  onMessage(listener: (message: WebSocketMessage) => void): void {
    this.messageListeners.push(listener);
  }

  /** Once, when the connection is over: the peer's close code (1006 when none came). */
  onClose(listener: (code: number, reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  send(text: string): void {
    if (this.open) this.write(OPCODE.text, Buffer.from(text, 'utf8'));
  }

  /** Begins the closing handshake; the socket ends when the peer answers, or after a short wait. */
  close(code: number = CLOSE_CODE.normal, reason = ''): void {
    if (this.closeSent || this.ended) return;
    this.closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2, 'utf8');
    this.write(OPCODE.close, payload.subarray(0, 125));
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
  }

  /** Drops the connection at once, without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  private write(opcode: number, payload: Buffer): void {
    const mask = this.options.role === 'client' ? randomBytes(4) : undefined;
    this.socket.write(encodeFrame(opcode, payload, mask === undefined ? {} : { mask }));
  }

  private feed(chunk: Buffer): void {
    if (this.ended) return;
    try {
      this.decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof WebSocketProtocolError)) throw error;
      this.close(error.code, error.message);
      this.socket.end();
    }
  }

  private onFrame(frame: Frame): void {
    if (this.received !== null) return;
    switch (frame.opcode) {
      case OPCODE.ping:
        if (!this.closeSent) this.write(OPCODE.pong, frame.payload);
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close:
        this.onCloseFrame(frame.payload);
        return;
      case OPCODE.text:
      case OPCODE.binary:
        if (this.fragmentOpcode !== null) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a new message before the last one ended');
        this.fragmentOpcode = frame.opcode;
        break;
      case OPCODE.continuation:
        if (this.fragmentOpcode === null) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a continuation without a message');
        break;
      default:
        throw new WebSocketProtocolError(CLOSE_CODE.protocolError, `unknown opcode ${frame.opcode}`);
    }
    this.fragmentsBytes += frame.payload.length;
    if (this.fragmentsBytes > this.options.maxMessageBytes) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, 'message too large');
    this.fragments.push(frame.payload);
    if (!frame.fin) return;
    const binary = this.fragmentOpcode === OPCODE.binary;
    const data = this.fragments.length === 1 ? (this.fragments[0] as Buffer) : Buffer.concat(this.fragments);
    this.fragments = [];
    this.fragmentsBytes = 0;
    this.fragmentOpcode = null;
    if (!binary && !isUtf8(data)) throw new WebSocketProtocolError(CLOSE_CODE.invalidPayload, 'a text message that is not UTF-8');
    if (this.closeSent) return;
    for (const listener of this.messageListeners) listener({ data, binary });
  }

  private onCloseFrame(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : CLOSE_CODE.normal;
    this.received = { code, reason: payload.subarray(2).toString('utf8') };
    if (this.closeSent) {
      // the answer to ours: the handshake is done
      this.socket.end();
      return;
    }
    // the peer closes: answer with its code, then end our side
    this.closeSent = true;
    this.write(OPCODE.close, payload.subarray(0, 2));
    this.socket.end();
  }

  private onSocketClosed(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.closeTimer);
    const { code, reason } = this.received ?? { code: ABNORMAL_CLOSURE, reason: '' };
    for (const listener of this.closeListeners) listener(code, reason);
  }
}
