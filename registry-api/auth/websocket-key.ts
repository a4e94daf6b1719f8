/**
 * A key sent by a browser's WebSocket, which can't set `Authorization`: as one of the subprotocols it
 * offers, `codering.bearer.<key>` (a key's characters are all allowed in a protocol token). The
 * server never names it back (it answers `codering.v1`, run-socket-session.ts). Not in the URL: URLs
 * are logged, by us and by every proxy on the way.
 */

import type { IncomingHttpHeaders } from 'node:http';

export const KEY_PROTOCOL_PREFIX = 'codering.bearer.';

/** The key of an upgrade request's subprotocols, or undefined when it offers none (or is no upgrade). */
export function webSocketKey(headers: IncomingHttpHeaders): string | undefined {
  if (!/\bwebsocket\b/i.test(headers.upgrade ?? '')) return undefined;
  const offered = headers['sec-websocket-protocol'];
  const protocols = (Array.isArray(offered) ? offered.join(',') : (offered ?? '')).split(',').map((protocol) => protocol.trim());
  const key = protocols.find((protocol) => protocol.startsWith(KEY_PROTOCOL_PREFIX));
  return key === undefined ? undefined : key.slice(KEY_PROTOCOL_PREFIX.length);
}
