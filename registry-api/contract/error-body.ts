import { Type, type Static } from '@sinclair/typebox';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors';
import { stringEnum } from './string-enum';

export const errorSchema = Type.Object({
  error: Type.Object({
    code: stringEnum(Object.keys(ERROR_CATALOGUE) as ErrorCode[]),
    message: Type.String(),
    details: Type.Object({}, { additionalProperties: true }),
  }),
});

export type ErrorBody = Static<typeof errorSchema>;

const RETRY_AFTER = { 'retry-after': { type: 'integer', description: 'seconds to wait before trying again' } };

/**
 * One documented answer per HTTP status of the error catalogue: its codes and what each means, and
 * `Retry-After` on the busy ones (429, 503), so that the OpenAPI document says what a client meets
 * without anyone keeping a second list. (401, 403 and 429 get their headers per route from
 * auth/openapi-access.ts.) Every route answers errors in this one shape.
 */
function byStatus() {
  const codes = new Map<number, ErrorCode[]>();
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE) as [ErrorCode, (typeof ERROR_CATALOGUE)[ErrorCode]][]) {
    codes.set(entry.status, [...(codes.get(entry.status) ?? []), code]);
  }
  return Object.fromEntries(
    [...codes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [
        status,
        {
          ...errorSchema,
          description: list.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].title}`).join('; '),
          ...(list.some((code) => ERROR_CATALOGUE[code].kind === 'busy') ? { headers: RETRY_AFTER } : {}),
        },
      ]),
  );
}

export const errorResponses = byStatus();
