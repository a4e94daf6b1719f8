/**
 * The opening handshake of RFC 6455 (§4): what makes a request an acceptable upgrade, and the 101
 * answer that proves to the client we read its key. Subprotocols are the client's offer; the server
 * names at most one of them back (a browser fails a connection whose answer names another).
 */

import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Why the request can't be upgraded, or undefined when it can. */
export function handshakeProblem(method: string, headers: IncomingHttpHeaders): string | undefined {
  if (method !== 'GET') return 'a WebSocket opens with GET';
  if (!/\bwebsocket\b/i.test(headers.upgrade ?? '')) return 'Upgrade: websocket is missing';
  if (!/\bupgrade\b/i.test(headers.connection ?? '')) return 'Connection: Upgrade is missing';
  if (headers['sec-websocket-version'] !== '13') return 'Sec-WebSocket-Version must be 13';
  const key = headers['sec-websocket-key'] ?? '';
  if (Buffer.from(key, 'base64').length !== 16) return 'Sec-WebSocket-Key must be 16 bytes in base64';
  return undefined;
}

/** The protocols a client offered (`Sec-WebSocket-Protocol: a, b`), in its order. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** The 101 answer; `protocol` only if the client offered it. */
export function switchingProtocols(key: string, protocol?: string, headers: Record<string, string> = {}): string {
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(key)}`,
    ...(protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${protocol}`]),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
