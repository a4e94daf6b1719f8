/**
 * Keys over HTTP, for an admin key: the same store `npx codering keys` writes. A new key's secret is
 * in the creation's answer and nowhere else, ever.
 */

import { Type } from '@sinclair/typebox';
import { CoderingError } from '../../errors';
import type { KeyStore } from '../auth';
import { createdKeySchema, errorResponses, keyListSchema, keySchema, newKeyRequestSchema } from '../contract';
import type { ApiInstance } from './api-instance';

const keyParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{12}$' }) });

export function keyRoutes(app: ApiInstance, keys: KeyStore): void {
  app.get(
    '/v1/keys',
    {
      schema: {
        summary: 'Every key, oldest first, revoked ones included (never a secret)',
        tags: ['keys'],
        response: { 200: keyListSchema, ...errorResponses },
      },
    },
    async () => ({ keys: keys.list() }),
  );

  app.post(
    '/v1/keys',
    {
      schema: {
        summary: 'Make a key; its secret is in this answer only',
        tags: ['keys'],
        body: newKeyRequestSchema,
        response: { 201: createdKeySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = keys.create(request.body);
      void reply.code(201).header('location', `/v1/keys/${created.key.id}`);
      return created;
    },
  );

  app.delete(
    '/v1/keys/:id',
    {
      schema: {
        summary: 'Revoke a key: refused from its next request on (revoking again changes nothing)',
        tags: ['keys'],
        params: keyParams,
        response: { 200: keySchema, ...errorResponses },
      },
    },
    async (request) => {
      const revoked = keys.revoke(request.params.id);
      if (revoked === undefined) throw new CoderingError('not_found', `no key ${request.params.id}`, { id: request.params.id });
      return revoked;
    },
  );
}
