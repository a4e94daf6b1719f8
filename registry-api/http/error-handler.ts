/**
 * The one place that turns a failure into an HTTP answer `{ error: { code, message, details } }`.
 * Catalogue errors keep their code and status; fastify's own errors (schema, JSON, size, media type)
 * are mapped to catalogue codes; anything else is our bug: logged with the request id, answered as
 * `internal` without a stack.
 *
 * The log level follows the error's kind, not its status: only `internal` is ours to fix and logged
 * as an error. A `busy` answer (429/503 with Retry-After: a full queue, a build still running, a
 * readiness probe while starting) is the service working as designed, so it is a debug line;
 * otherwise every probe of a starting API would write an error with a stack.
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CoderingError, isCoderingError } from '../../errors';
import { RunAborted } from '../executor';

/** Seconds a busy client should wait when the error does not say. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

export function toCoderingError(error: FastifyError | Error): CoderingError | undefined {
  if (isCoderingError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    const first = fastifyError.validation[0];
    const params = (first?.params ?? {}) as Record<string, unknown>;
    const path = [first?.instancePath ?? '', params.missingProperty, params.additionalProperty]
      .filter((part) => typeof part === 'string' && part !== '')
      .join('/')
      .replace(/^\//, '');
    const context = fastifyError.validationContext ?? 'body';
    return new CoderingError('invalid_request', `${context}${path === '' ? '' : `.${path.replace(/\//g, '.')}`} ${first?.message ?? 'is invalid'}`, {
      field: path,
      in: context,
    });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CoderingError('malformed_json', 'the body is not valid JSON', {});
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CoderingError('payload_too_large', 'the body is larger than the service accepts', {});
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new CoderingError('unsupported_media_type', 'the body must be sent as application/json', {});
  }
  // JSON with a __proto__ key, a bad content length…: fastify says 4xx, and it is the client's.
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new CoderingError('invalid_request', fastifyError.message, {});
  }
  return undefined;
}

/** What a failure answers: its status, its body, and when a busy client should try again. */
export interface FailureAnswer {
  status: number;
  body: ReturnType<CoderingError['toJSON']>;
  retryAfterSeconds?: number;
}

/**
 * The answer to a failure, logged by its kind: the HTTP error answer, or the `error` event of an
 * answer that had begun (a streamed run's event or WebSocket message carries the same body).
 */
export function describeFailure(error: unknown, request: FastifyRequest): FailureAnswer {
  if (error instanceof RunAborted) {
    // Nobody is listening any more; say so in the log, not as an error of ours.
    request.log.info('client closed the connection; run cancelled');
    return { status: 499, body: new CoderingError('internal', error.message).toJSON() };
  }
  const known = error instanceof Error ? toCoderingError(error) : undefined;
  if (known === undefined) {
    request.log.error({ err: error }, 'unhandled error');
    return { status: 500, body: new CoderingError('internal', `internal error; quote request id ${request.id}`, { requestId: request.id }).toJSON() };
  }
  if (known.kind === 'internal') request.log.error({ err: error, code: known.code }, known.message);
  else if (known.kind === 'busy') request.log.debug({ code: known.code }, known.message);
  const answer: FailureAnswer = { status: known.status, body: known.toJSON() };
  if (known.kind === 'busy') answer.retryAfterSeconds = known.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  return answer;
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const answer = describeFailure(error, request);
  if (answer.retryAfterSeconds !== undefined) void reply.header('retry-after', String(answer.retryAfterSeconds));
  void reply.code(answer.status).send(answer.body);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(404)
    .send(new CoderingError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`, {}).toJSON());
}
