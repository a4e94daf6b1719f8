/**
 * RFC 6455 frames, both ways: encoding one (a client masks, a server does not), and decoding a byte
 * stream that arrives in arbitrary chunks into whole frames. Only what the protocol needs: no
 * extensions (we never agree to one, so the RSV bits must be 0), payloads up to a bound of ours.
 */

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Close codes we send (RFC 6455 §7.4.1; 4000–4999 are the application's: ours are 4000 + an HTTP status). */
export const CLOSE_CODE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
} as const;

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** The peer broke the protocol: the connection closes with `code`. */
export class WebSocketProtocolError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebSocketProtocolError';
  }
}

/** One frame; `mask` (4 bytes) for a client's frames, none for a server's. */
export function encodeFrame(opcode: number, payload: Buffer, options: { fin?: boolean; mask?: Buffer } = {}): Buffer {
  const { mask } = options;
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  header[0] = (options.fin === false ? 0 : 0x80) | opcode;
  header[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  else if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!mask) return Buffer.concat([header, payload]);
  mask.copy(header, 2 + lengthBytes);
  return Buffer.concat([header, applyMask(payload, mask)]);
}

function applyMask(payload: Buffer, mask: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i += 1) out[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return out;
}

export interface FrameDecoderOptions {
  /** A server: every frame of the client must be masked (and a client's must not be). */
  expectMasked: boolean;
  /** The largest payload of one frame. */
  maxPayloadBytes: number;
}

/** Hands out whole frames from a byte stream; throws WebSocketProtocolError on one that breaks the protocol. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    private readonly options: FrameDecoderOptions,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const frame = this.next();
      if (frame === undefined) return;
      this.onFrame(frame);
    }
  }

  private next(): Frame | undefined {
    const bytes = this.pending;
    if (bytes.length < 2) return undefined;
    const first = bytes[0] as number;
    const second = bytes[1] as number;
    if ((first & 0x70) !== 0) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'reserved bits set (no extension was agreed)');
    const opcode = first & 0x0f;
    const fin = (first & 0x80) !== 0;
    const masked = (second & 0x80) !== 0;
    if (masked !== this.options.expectMasked) {
      throw new WebSocketProtocolError(CLOSE_CODE.protocolError, masked ? 'a server frame must not be masked' : 'a client frame must be masked');
    }
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (bytes.length < 4) return undefined;
      length = bytes.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (bytes.length < 10) return undefined;
      const long = bytes.readBigUInt64BE(2);
      if (long > BigInt(this.options.maxPayloadBytes)) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, 'frame too large');
      length = Number(long);
      offset = 10;
    }
    if (length > this.options.maxPayloadBytes) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, 'frame too large');
    if (opcode >= 0x8 && (length > 125 || !fin)) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'a control frame must be whole and short');
    const maskBytes = masked ? 4 : 0;
    const end = offset + maskBytes + length;
    if (bytes.length < end) return undefined;
    const raw = bytes.subarray(offset + maskBytes, end);
    const payload = masked ? applyMask(raw, bytes.subarray(offset, offset + 4)) : Buffer.from(raw);
    this.pending = bytes.subarray(end);
    return { fin, opcode, payload };
  }
}
