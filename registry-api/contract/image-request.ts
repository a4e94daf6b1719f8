import { Type, type Static } from '@sinclair/typebox';
import { librariesSchema, runtimeSpecSchema } from './request-fields';

/** `POST /v1/images`: the image of a runtime and its libraries, built as a job. */
export const imageRequestSchema = Type.Object(
  { runtime: runtimeSpecSchema, libraries: Type.Optional(librariesSchema) },
  { additionalProperties: false },
);

export type ImageRequestBody = Static<typeof imageRequestSchema>;
