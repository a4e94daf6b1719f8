/**
 * The decision for one request, apart from fastify so that it can be tested as a table: the route's
 * access, the mode (CODERING_AUTH) and what the client sent give the caller, or a 401 or a 403 with
 * its `WWW-Authenticate` challenge (RFC 6750: `invalid_token` for a bad key, `insufficient_scope`
 * with the scope needed for a good key that may not).
 */

import type { AuthMode } from '../../config';
import { CoderingError } from '../../errors';
import type { Access } from './route-access';
import type { ApiKey, KeyCheck } from './key-store';
import { grants } from './scopes';

export const REALM = 'codering';

/** What the `Authorization` header held. */
export type Credential = { kind: 'none' } | { kind: 'not-bearer' } | { kind: 'key'; check: KeyCheck };

/** Who the request is from, for its limits: a key, or an address without one (run-open). */
export type Caller = { kind: 'key'; key: ApiKey } | { kind: 'anonymous' };

export type Decision = { allowed: true; caller: Caller } | { allowed: false; error: CoderingError; challenge: string };

/** The token of `Authorization: Bearer <token>`; undefined when there is no header, null when it is another scheme. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match === null ? null : (match[1] as string);
}

/**
 * @param route how the route is named in messages: `POST /v1/images`
 */
export function decideAccess(mode: AuthMode, access: Access, credential: Credential, route: string): Decision {
  if (access === 'open') return { allowed: true, caller: { kind: 'anonymous' } };
  const keyFree = mode === 'run-open' && access === 'run';
  switch (credential.kind) {
    case 'none':
      if (keyFree) return { allowed: true, caller: { kind: 'anonymous' } };
      return refuse(
        'unauthorized',
        `${route} needs a key with the ${access} scope: send it as Authorization: Bearer <key> (keys are made with npx codering keys create)`,
        { scope: access },
        `Bearer realm="${REALM}"`,
      );
    case 'not-bearer':
      return refuse('unauthorized', 'the Authorization header must be Bearer <key>', {}, `Bearer realm="${REALM}", error="invalid_request"`);
    case 'key': {
      const { check } = credential;
      // A wrong key is refused even where none is needed: its owner should learn of it now.
      if (!check.valid) {
        const why = check.reason === 'revoked' ? 'the key was revoked' : 'the key is not valid (unknown, or mistyped)';
        return refuse('unauthorized', why, { reason: check.reason }, `Bearer realm="${REALM}", error="invalid_token"`);
      }
      if (keyFree || grants(check.key.scopes, access)) return { allowed: true, caller: { kind: 'key', key: check.key } };
      return refuse(
        'forbidden',
        `${route} needs the ${access} scope; key ${check.key.id} has ${check.key.scopes.join(', ')}`,
        { scope: access, keyScopes: check.key.scopes, keyId: check.key.id },
        `Bearer realm="${REALM}", error="insufficient_scope", scope="${access}"`,
      );
    }
  }
}

function refuse(code: 'unauthorized' | 'forbidden', message: string, details: Record<string, unknown>, challenge: string): Decision {
  return { allowed: false, error: new CoderingError(code, message, details), challenge };
}
