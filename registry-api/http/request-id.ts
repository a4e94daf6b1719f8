/**
 * Request ids: a caller's `x-request-id` is kept when it is sane (so one id follows a run from the UI
 * through our logs into the worker's container labels), otherwise we make one. "Sane" is short and of
 * a small alphabet: the id ends up in log lines and labels, where newlines or quotes would forge entries.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}
