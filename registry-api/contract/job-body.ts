import { Type, type Static } from '@sinclair/typebox';
import { JOB_STATES } from '../jobs';
import { stringEnum } from './string-enum';

/** A build job as `/v1/images/jobs…` answer it (the stored job less its internal key). */
export const jobSchema = Type.Object({
  id: Type.String(),
  state: stringEnum(JOB_STATES),
  runtime: Type.String(),
  runtimeId: Type.String(),
  libraries: Type.Array(Type.String()),
  progress: Type.Union([
    Type.Object({
      stage: Type.Optional(Type.String()),
      step: Type.Optional(Type.Integer()),
      total: Type.Optional(Type.Integer()),
      message: Type.Optional(Type.String()),
    }),
    Type.Null(),
  ]),
  image: Type.Union([
    Type.Object({
      runtimeId: Type.Optional(Type.String()),
      reference: Type.Optional(Type.String()),
      digest: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      cached: Type.Optional(Type.Boolean()),
      libraries: Type.Optional(Type.Array(Type.String())),
    }),
    Type.Null(),
  ]),
  error: Type.Union([
    Type.Object({
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
    Type.Null(),
  ]),
  attempts: Type.Optional(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export type JobBody = Static<typeof jobSchema>;

export const jobListSchema = Type.Object({ jobs: Type.Array(jobSchema) });
