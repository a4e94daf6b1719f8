/**
 * Every call to the engine (and to the registry) gets a deadline: parallel builds can hang the
 * daemon, and a request that never answers must become an error we can report, not a stuck job.
 * The callee receives an AbortSignal that fires on the deadline or when the caller's own signal
 * aborts, so the underlying HTTP request is really cancelled (dockerode takes `abortSignal`).
 */
import { CoderingError, type ErrorCode } from '../../errors';

export interface TimeoutOptions {
  /** Milliseconds before the call is abandoned and its signal aborted. */
  timeoutMs: number;
  /** What the call is, for the error message: `inspect image codering/base:…`. */
  what: string;
  /** The caller's own cancellation; aborting it rejects at once with its reason. */
  signal?: AbortSignal;
  /** Error code on deadline: `engine_timeout` by default, `registry_unavailable` for the registry. */
  timeoutCode?: ErrorCode;
}

/** The error a deadline produces, recognisable by code and `details.timeoutMs`. */
export function timeoutError(what: string, timeoutMs: number, code: ErrorCode = 'engine_timeout'): CoderingError {
  return new CoderingError(code, `${what}: no answer within ${timeoutMs} ms`, { timeoutMs, operation: what });
}

/**
 * Runs `call(signal)` with a deadline. Resolves or rejects as the call does; on the deadline rejects
 * with `engine_timeout` (or `timeoutCode`) and aborts `signal` so the call can release its resources.
 */
export async function withTimeout<T>(options: TimeoutOptions, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { timeoutMs, what, signal: outer, timeoutCode } = options;
  if (outer?.aborted) throw abortReason(outer, what);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onOuterAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError(what, timeoutMs, timeoutCode);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    if (outer) {
      onOuterAbort = () => {
        const reason = abortReason(outer, what);
        controller.abort(reason);
        reject(reason);
      };
      outer.addEventListener('abort', onOuterAbort, { once: true });
    }
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    if (outer && onOuterAbort) outer.removeEventListener('abort', onOuterAbort);
  }
}

/** The reason a signal was aborted with, as an Error (AbortSignal's default is a DOMException). */
export function abortReason(signal: AbortSignal, what: string): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new CoderingError('internal', `${what}: cancelled`, { operation: what, reason: String(reason) });
}
