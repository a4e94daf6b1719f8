/**
 * The access policy in the OpenAPI document at `/docs`, from the same table the hooks enforce
 * (route-access.ts): the bearer security scheme, on each route the scope it needs (in words and as
 * `x-codering-scope`), whether the key is optional (CODERING_AUTH=run-open), and its 401, 403 and
 * 429 answers with their headers. Applied as @fastify/swagger's `transform`, so that no route's file
 * has to repeat it.
 */

import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import type { AuthMode } from '../../config';
import { errorSchema } from '../contract';
import { REALM } from './access-decision';
import { routeAccess, type Access } from './route-access';

export const SECURITY_SCHEME = 'bearerKey';

export function openApiSecuritySchemes(mode: AuthMode) {
  return {
    [SECURITY_SCHEME]: {
      type: 'http' as const,
      scheme: 'bearer',
      bearerFormat: 'cdr_<id>_<secret>',
      description:
        'A key made with `npx codering keys create --scope <scope>` or `POST /v1/keys`, sent as `Authorization: Bearer <key>`. ' +
        'Scopes: `run` (run code, the catalogue), `build` (image builds and their jobs), `admin` (everything: keys, capacity, metrics). ' +
        (mode === 'run-open'
          ? 'This API runs with CODERING_AUTH=run-open: running needs no key (a key sent anyway must be valid), building and admin do.'
          : 'This API runs with CODERING_AUTH=required: every route but the probes and the docs needs a key.'),
    },
  };
}

const text = (description: string) => ({ type: 'string', description });
const seconds = (description: string) => ({ type: 'integer', description });

const RATE_LIMIT_HEADERS = {
  'x-ratelimit-limit': seconds('requests a minute this key (or address, without a key) may send'),
  'x-ratelimit-remaining': seconds('requests left in the current minute'),
  'x-ratelimit-reset': seconds('seconds until the current minute ends'),
};

function accessResponses(access: Access, countsAsRun: boolean) {
  return {
    401: {
      ...errorSchema,
      description: '`unauthorized`: no key where one is needed, a revoked or unknown key, or an Authorization header that is not `Bearer <key>`',
      headers: { 'www-authenticate': text(`\`Bearer realm="${REALM}"\`, with \`error="invalid_token"\` for a bad key`) },
    },
    403: {
      ...errorSchema,
      description: `\`forbidden\`: the key's scopes do not include \`${access}\``,
      headers: { 'www-authenticate': text(`\`Bearer realm="${REALM}", error="insufficient_scope", scope="${access}"\``) },
    },
    429: {
      ...errorSchema,
      description: [
        '`rate_limited`: more requests in the last minute than the key (or the address, without a key) may send (CODERING_RATE_LIMIT_PER_MINUTE, or the key\'s own)',
        ...(countsAsRun ? ['`too_many_runs`: as many runs in flight as the key may have (CODERING_KEY_MAX_IN_FLIGHT, or the key\'s own)'] : []),
        '`queue_full`: the service is busy (its queue is full)',
      ].join('; '),
      headers: { 'retry-after': seconds('seconds to wait before trying again'), ...RATE_LIMIT_HEADERS },
    },
  };
}

interface DocumentedSchema extends FastifySchema {
  hide?: boolean;
  description?: string;
  response?: Record<string, unknown>;
}

export function documentAccess(mode: AuthMode): SwaggerTransform {
  return ({ schema, url, route }) => {
    const documented = schema as DocumentedSchema | undefined;
    if (documented === undefined || documented === null || documented.hide === true) return { schema, url };
    const method = String([route.method].flat()[0]);
    const { access, countsAsRun } = routeAccess(method, url, route.config);
    if (access === 'open') {
      return { url, schema: { ...documented, description: paragraphs(documented.description, 'No key needed.') } };
    }
    const keyOptional = mode === 'run-open' && access === 'run';
    const needs = `Key: the \`${access}\` scope${access === 'admin' ? '' : ' (or `admin`)'}`;
    return {
      url,
      schema: {
        ...documented,
        description: paragraphs(documented.description, keyOptional ? `${needs}, optional: this API runs with CODERING_AUTH=run-open.` : `${needs}.`),
        security: keyOptional ? [{ [SECURITY_SCHEME]: [] }, {}] : [{ [SECURITY_SCHEME]: [] }],
        'x-codering-scope': access,
        response: { ...documented.response, ...accessResponses(access, countsAsRun) },
      } as FastifySchema,
    };
  };
}

function paragraphs(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== '').join('\n\n');
}
