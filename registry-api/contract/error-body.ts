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

/** Every route answers errors in the same shape. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema };
