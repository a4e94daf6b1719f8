/**
 * Our RFC 6455 against the RFC's own examples (§1.3 the handshake, §5.7 the frames), and the
 * protocol errors a server must close on: an unmasked client frame, reserved bits, a frame too large,
 * a broken message, text that is not UTF-8.
 */

import { PassThrough } from 'node:stream';
import {
  acceptKey,
  CLOSE_CODE,
  encodeFrame,
  FrameDecoder,
  handshakeProblem,
  OPCODE,
  offeredProtocols,
  switchingProtocols,
  WebSocketConnection,
  WebSocketProtocolError,
  type Frame,
} from '../../../registry-api/websocket';

const decodeAll = (bytes: Buffer, expectMasked: boolean, maxPayloadBytes = 1 << 20): Frame[] => {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder((frame) => frames.push(frame), { expectMasked, maxPayloadBytes });
  // one byte at a time: frames arrive in any chunks
  for (const byte of bytes) decoder.push(Buffer.from([byte]));
  return frames;
};

describe('the handshake (RFC 6455 §1.3, §4)', () => {
  test("the RFC's key gives the RFC's accept", () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  test('an upgrade needs GET, Upgrade and Connection, version 13 and a 16-byte key', () => {
    const good = { upgrade: 'websocket', connection: 'keep-alive, Upgrade', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    expect(handshakeProblem('GET', good)).toBeUndefined();
    expect(handshakeProblem('POST', good)).toMatch(/GET/);
    expect(handshakeProblem('GET', { ...good, upgrade: 'h2c' })).toMatch(/Upgrade/);
    expect(handshakeProblem('GET', { ...good, 'sec-websocket-version': '8' })).toMatch(/13/);
    expect(handshakeProblem('GET', { ...good, 'sec-websocket-key': 'c2hvcnQ=' })).toMatch(/16 bytes/);
  });

  test('the 101 names the chosen protocol only; offers are read in order', () => {
    expect(offeredProtocols('codering.v1, codering.bearer.cdr_x')).toEqual(['codering.v1', 'codering.bearer.cdr_x']);
    expect(offeredProtocols(undefined)).toEqual([]);
    const answer = switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==', 'codering.v1');
    expect(answer).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(answer).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(answer).toContain('Sec-WebSocket-Protocol: codering.v1\r\n');
    expect(answer.endsWith('\r\n\r\n')).toBe(true);
    expect(switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==')).not.toContain('Sec-WebSocket-Protocol');
  });
});

describe('frames (RFC 6455 §5.7)', () => {
  const hello = Buffer.from('Hello');

  test('"Hello" unmasked, as a server sends it', () => {
    expect([...encodeFrame(OPCODE.text, hello)]).toEqual([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    expect(decodeAll(Buffer.from([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]), false)).toEqual([{ fin: true, opcode: OPCODE.text, payload: hello }]);
  });

  test('"Hello" masked, as a client sends it', () => {
    const masked = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    expect(encodeFrame(OPCODE.text, hello, { mask: Buffer.from([0x37, 0xfa, 0x21, 0x3d]) })).toEqual(masked);
    expect(decodeAll(masked, true)).toEqual([{ fin: true, opcode: OPCODE.text, payload: hello }]);
  });

  test('a fragmented "Hello", and a ping', () => {
    const bytes = Buffer.from([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f, 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    expect(decodeAll(bytes, false)).toEqual([
      { fin: false, opcode: OPCODE.text, payload: Buffer.from('Hel') },
      { fin: true, opcode: OPCODE.continuation, payload: Buffer.from('lo') },
      { fin: true, opcode: OPCODE.ping, payload: hello },
    ]);
  });

  test('payloads of 256 bytes (16-bit length) and 64 KiB (64-bit length) round-trip', () => {
    for (const [size, header] of [[256, [0x82, 0x7e, 0x01, 0x00]], [65536, [0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]]] as const) {
      const payload = Buffer.alloc(size, 7);
      const frame = encodeFrame(OPCODE.binary, payload);
      expect([...frame.subarray(0, header.length)]).toEqual(header);
      const frames: Frame[] = [];
      new FrameDecoder((decoded) => frames.push(decoded), { expectMasked: false, maxPayloadBytes: 1 << 20 }).push(frame);
      expect(frames[0]?.payload.equals(payload)).toBe(true);
    }
  });

  test.each([
    ['an unmasked client frame', Buffer.from([0x81, 0x00]), true, CLOSE_CODE.protocolError],
    ['a masked server frame', Buffer.from([0x81, 0x80, 1, 2, 3, 4]), false, CLOSE_CODE.protocolError],
    ['reserved bits', Buffer.from([0xc1, 0x00]), false, CLOSE_CODE.protocolError],
    ['a control frame in fragments', Buffer.from([0x09, 0x00]), false, CLOSE_CODE.protocolError],
    ['a frame past the bound', Buffer.from([0x82, 0x7e, 0x04, 0x01]), false, CLOSE_CODE.tooBig],
  ])('%s is a protocol error', (_, bytes, expectMasked, code) => {
    const decoder = new FrameDecoder(() => undefined, { expectMasked, maxPayloadBytes: 1024 });
    expect(() => decoder.push(bytes)).toThrow(expect.objectContaining({ code }) as WebSocketProtocolError);
  });
});

describe('a server connection', () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const clientFrame = (opcode: number, payload: Buffer | string, fin = true): Buffer =>
    encodeFrame(opcode, Buffer.from(payload), { mask, fin });

  function open(maxMessageBytes = 1024) {
    const socket = new PassThrough();
    const written: Buffer[] = [];
    socket.write = ((chunk: Buffer) => {
      written.push(chunk);
      return true;
    }) as typeof socket.write;
    const connection = new WebSocketConnection(socket, Buffer.alloc(0), { role: 'server', maxMessageBytes });
    const messages: string[] = [];
    const closes: number[] = [];
    connection.onMessage((message) => messages.push(message.data.toString()));
    connection.onClose((code) => closes.push(code));
    const sent = (): Frame[] => {
      const frames: Frame[] = [];
      new FrameDecoder((frame) => frames.push(frame), { expectMasked: false, maxPayloadBytes: 1 << 20 }).push(Buffer.concat(written));
      return frames;
    };
    return { socket, connection, messages, closes, sent };
  }

  const tick = () => new Promise((resolve) => setImmediate(resolve));

  test('puts fragments together, answers a ping in between, sends text unmasked', async () => {
    const t = open();
    t.socket.emit('data', Buffer.concat([clientFrame(OPCODE.text, 'Hel', false), clientFrame(OPCODE.ping, 'p'), clientFrame(OPCODE.continuation, 'lo')]));
    expect(t.messages).toEqual(['Hello']);
    t.connection.send('back');
    expect(t.sent().map((frame) => [frame.opcode, frame.payload.toString()])).toEqual([
      [OPCODE.pong, 'p'],
      [OPCODE.text, 'back'],
    ]);
    await tick();
  });

  test.each([
    ['text that is not UTF-8', clientFrame(OPCODE.text, Buffer.from([0xff])), CLOSE_CODE.invalidPayload],
    ['a message past the bound, in fragments', Buffer.concat([clientFrame(OPCODE.text, 'x'.repeat(600), false), clientFrame(OPCODE.continuation, 'x'.repeat(600))]), CLOSE_CODE.tooBig],
    ['a continuation without a message', clientFrame(OPCODE.continuation, 'x'), CLOSE_CODE.protocolError],
  ])('%s closes it with its code', (_, bytes, code) => {
    const t = open();
    t.socket.emit('data', bytes);
    expect(t.messages).toEqual([]);
    const close = t.sent().find((frame) => frame.opcode === OPCODE.close);
    expect(close?.payload.readUInt16BE(0)).toBe(code);
    expect(t.connection.open).toBe(false);
  });

  test('a close from the client is answered with its code, and reported once the socket ends', async () => {
    const t = open();
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(1000);
    t.socket.emit('data', clientFrame(OPCODE.close, payload));
    expect(t.sent().map((frame) => frame.opcode)).toEqual([OPCODE.close]);
    expect(t.connection.open).toBe(false);
    t.socket.destroy();
    await tick();
    expect(t.closes).toEqual([1000]);
  });

  test('a socket gone without a close frame is 1006', async () => {
    const t = open();
    t.socket.destroy();
    await tick();
    expect(t.closes).toEqual([1006]);
  });
});
