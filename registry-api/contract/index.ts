/**
 * The API's contract, written once: each TypeBox schema validates what comes in, serializes what goes
 * out, is published at `/docs`, and gives the TypeScript type of the same thing through `Static`, so
 * that the code and the document cannot drift apart. Shapes only: sizes that depend on the operator's
 * configuration are the executor's to check, with their own error codes.
 */

export { errorResponses, errorSchema, type ErrorBody } from './error-body';
export { capacitySchema, type CapacityBody } from './capacity-body';
export { healthSchema } from './health-body';
export { imageRequestSchema, type ImageRequestBody } from './image-request';
export { jobListSchema, jobSchema, type JobBody } from './job-body';
export { createdKeySchema, keyListSchema, keySchema, newKeyRequestSchema, type KeyBody, type NewKeyRequestBody } from './key-body';
export { COMPARE_MODES, DEFAULT_COMPARE_MODE, type CompareMode } from './compare-modes';
export { CASE_STATUSES, VERDICTS, type CaseAnswer, type CaseStatus, type Verdict } from './run-response';
export { runRequestSchema, type RunInput } from './run-request';
export { runResponseSchema, type AnsweredStatus, type RunResponse } from './run-response';
export {
  outputChunkSchema,
  socketErrorMessageSchema,
  socketOutputMessageSchema,
  socketResultMessageSchema,
  stdinMessageSchema,
  type OutputChunk,
  type SocketServerMessage,
  type StdinMessage,
} from './run-stream-messages';
export { resolvedRuntimeSchema, runtimeListSchema, runtimeSchema, type ResolvedRuntimeBody, type RuntimeBody } from './runtime-bodies';
