/**
 * What a streamed run sends and takes, beyond the run's request and answer: the output chunks of
 * `POST /v1/run` as server-sent events, and the messages of `GET /v1/run/ws`. Published at `/docs`
 * in those routes' descriptions; the client's messages are checked against these schemas.
 */

import { Type, type Static } from '@sinclair/typebox';
import { OUTPUT_PHASES } from '../../proxy';
import { errorSchema } from './error-body';
import { runResponseSchema } from './run-response';
import { stringEnum } from './string-enum';

const outputFields = {
  data: Type.String({ description: 'What the compiler or the program wrote: text, or base64 when `encoding` says so' }),
  encoding: Type.Optional(
    stringEnum(['base64'], {
      description: 'Present when the bytes of this chunk are not UTF-8: `data` is then their base64, to decode as bytes',
    }),
  ),
  phase: stringEnum(OUTPUT_PHASES, {
    description:
      "Whose output: `compile`, the compiler's (compiled languages; all of it comes before the program's), or `run`, the program's",
  }),
};

/** The data of an SSE `stdout` or `stderr` event. */
export const outputChunkSchema = Type.Object(outputFields, { additionalProperties: false });
export type OutputChunk = Static<typeof outputChunkSchema>;

/** A client's message after the run request: bytes for the program's stdin, and/or its end. */
export const stdinMessageSchema = Type.Object(
  {
    type: stringEnum(['stdin']),
    data: Type.Optional(Type.String({ description: "Text for the program's stdin (UTF-8)" })),
    eof: Type.Optional(Type.Boolean({ description: "true: close the program's stdin (after `data`, if any)" })),
  },
  { additionalProperties: false },
);
export type StdinMessage = Static<typeof stdinMessageSchema>;

/** What the server sends on `/v1/run/ws`: output chunks, then one `result` or one `error`. */
export const socketOutputMessageSchema = Type.Object({ type: stringEnum(['stdout', 'stderr']), ...outputFields });
export const socketResultMessageSchema = Type.Object({ type: stringEnum(['result']), result: runResponseSchema });
export const socketErrorMessageSchema = Type.Object({ type: stringEnum(['error']), error: errorSchema.properties.error });

export type SocketServerMessage =
  | Static<typeof socketOutputMessageSchema>
  | Static<typeof socketResultMessageSchema>
  | Static<typeof socketErrorMessageSchema>;
