export { errorResponses, errorSchema, type ErrorBody } from './error-body';
export { healthSchema } from './health-body';
export { imageRequestSchema, type ImageRequestBody } from './image-request';
export { jobListSchema, jobSchema, type JobBody } from './job-body';
export { runRequestSchema, type RunInput } from './run-request';
export { runResponseSchema, type AnsweredStatus, type RunResponse } from './run-response';
export { resolvedRuntimeSchema, runtimeListSchema, runtimeSchema, type ResolvedRuntimeBody, type RuntimeBody } from './runtime-bodies';
