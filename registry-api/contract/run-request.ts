import { Type, type Static } from '@sinclair/typebox';
import { RACE_MODES } from '../config';
import { librariesSchema, runtimeSpecSchema } from './request-fields';
import { stringEnum } from './string-enum';

const limitValue = Type.Integer({ minimum: 1 });

/** `POST /v1/run`. Sizes that depend on the operator's configuration are the executor's to check. */
export const runRequestSchema = Type.Object(
  {
    runtime: Type.Optional(runtimeSpecSchema),
    image: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'A reference built by a build job' })),
    files: Type.Array(
      Type.Object({ name: Type.String({ maxLength: 1024 }), content: Type.String() }, { additionalProperties: false }),
      { minItems: 1 },
    ),
    main: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    stdin: Type.Optional(Type.String()),
    args: Type.Optional(Type.Array(Type.String())),
    limits: Type.Optional(
      Type.Object(
        {
          wallMs: Type.Optional(limitValue),
          cpuMs: Type.Optional(limitValue),
          memoryBytes: Type.Optional(limitValue),
          outputBytes: Type.Optional(limitValue),
          processes: Type.Optional(limitValue),
        },
        { additionalProperties: false },
      ),
    ),
    libraries: Type.Optional(librariesSchema),
    mode: Type.Optional(stringEnum(RACE_MODES)),
  },
  { additionalProperties: false },
);

export type RunInput = Static<typeof runRequestSchema>;
