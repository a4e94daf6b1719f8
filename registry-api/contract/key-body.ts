import { Type, type Static } from '@sinclair/typebox';
import { SCOPES } from '../auth/scopes';
import { stringEnum } from './string-enum';

const scopeSchema = stringEnum(SCOPES, { description: '`run`: run code and read the catalogue; `build`: image builds and their jobs; `admin`: everything' });
const ownLimit = (what: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: `${what} of this key; null: the configured one; 0: no limit` });

/** A key as `/v1/keys` shows it: never its secret, which only its creation answers, once. */
export const keySchema = Type.Object({
  id: Type.String({ description: 'names the key in lists, logs and `DELETE /v1/keys/{id}`; not a secret' }),
  name: Type.Union([Type.String(), Type.Null()]),
  scopes: Type.Array(scopeSchema),
  rateLimitPerMinute: ownLimit('requests a minute'),
  maxInFlight: ownLimit('most runs in flight'),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()], { description: 'to the minute' }),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export type KeyBody = Static<typeof keySchema>;

export const keyListSchema = Type.Object({ keys: Type.Array(keySchema) });

/** `POST /v1/keys`. */
export const newKeyRequestSchema = Type.Object(
  {
    scopes: Type.Array(scopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 0, description: 'its own requests a minute; 0: no limit' })),
    maxInFlight: Type.Optional(Type.Integer({ minimum: 0, description: 'its own most runs in flight; 0: no limit' })),
  },
  { additionalProperties: false },
);

export type NewKeyRequestBody = Static<typeof newKeyRequestSchema>;

export const createdKeySchema = Type.Object({
  key: keySchema,
  secret: Type.String({ description: 'the key to send as `Authorization: Bearer <secret>`; shown this once, stored only hashed' }),
});
