/**
 * What dockerode throws, turned into the error catalogue's codes. Shared by the image and container
 * clients so that "the engine is down" reads the same whichever part of the client met it.
 */
import { CoderingError, isCoderingError } from '../../errors';
import type { EngineEvent } from './image-engine';

interface DockerError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
}

/** Turns what dockerode throws into the error catalogue's codes (engine down, not found, …). */
export function engineError(error: unknown, what: string): Error {
  if (isCoderingError(error)) return error;
  const e = error as DockerError;
  const message = e?.json?.message ?? e?.message ?? String(error);
  if (e?.code && ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE'].includes(e.code)) {
    return new CoderingError('engine_unavailable', `${what}: the Docker engine does not answer (${e.code})`, {
      operation: what,
    }, { cause: error });
  }
  return new CoderingError('internal', `${what}: ${message}`, { operation: what, statusCode: e?.statusCode ?? null }, {
    cause: error,
  });
}

/** The HTTP status the engine answered with, when dockerode kept it. */
export function statusOf(error: unknown): number | undefined {
  return (error as DockerError)?.statusCode;
}

/** The engine's own message, before any mapping. */
export function engineMessage(error: unknown): string {
  return (error as DockerError)?.json?.message ?? (error as Error)?.message ?? '';
}

/** The message of an `{error}` event, or null when the event is not one. */
export function eventError(event: EngineEvent): string | null {
  if (event.error) return event.error;
  if (event.errorDetail?.message) return event.errorDetail.message;
  return null;
}
