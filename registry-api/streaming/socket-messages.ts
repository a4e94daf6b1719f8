/**
 * The client's messages on `/v1/run/ws`, checked as strictly as a `POST /v1/run` body (no extra
 * field, no coercion): the first is the run request itself, the next ones `stdin` messages. A message
 * that is not what it should be is a CoderingError with the code the same mistake gets over HTTP.
 */

import Ajv, { type ErrorObject } from 'ajv';
import type { FastifyError } from 'fastify';
import { CoderingError } from '../../errors';
import { runRequestSchema, stdinMessageSchema, type RunInput } from '../contract';
import { toCoderingError } from '../http';
import type { WebSocketMessage } from '../websocket';

// The app's own options (app.ts): a typo'd field is an error, and "5" is not 5.
const ajv = new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false });
const validRun = ajv.compile<RunInput>(runRequestSchema);
const validStdin = ajv.compile(stdinMessageSchema);

/** Bytes for the program's stdin and/or its end. */
export interface StdinInput {
  data: Buffer;
  eof: boolean;
}

export function parseRunMessage(message: WebSocketMessage): RunInput {
  const value = parseJson(message);
  if (!validRun(value)) throw invalid(validRun.errors, 'message');
  return value;
}

export function parseStdinMessage(message: WebSocketMessage): StdinInput {
  const value = parseJson(message);
  if (!validStdin(value)) throw invalid(validStdin.errors, 'message');
  const { data, eof } = value as { data?: string; eof?: boolean };
  return { data: Buffer.from(data ?? '', 'utf8'), eof: eof === true };
}

function parseJson(message: WebSocketMessage): unknown {
  if (message.binary) throw new CoderingError('invalid_request', 'messages are JSON text, not binary', {});
  try {
    return JSON.parse(message.data.toString('utf8')) as unknown;
  } catch {
    throw new CoderingError('malformed_json', 'the message is not valid JSON', {});
  }
}

/** The schema's complaint, worded as fastify's validation errors are (`message.files must …`). */
function invalid(errors: ErrorObject[] | null | undefined, context: string): CoderingError {
  const failure = Object.assign(new Error('invalid'), { validation: errors ?? [], validationContext: context }) as unknown as FastifyError;
  return toCoderingError(failure) ?? new CoderingError('invalid_request', `${context} is invalid`, {});
}
