/**
 * The client's one timeout policy: every engine call is bounded, short calls by `callTimeoutMs`
 * (CODERING_ENGINE_TIMEOUT_MS) and streaming ones (build, push, pull) by `buildTimeoutMs`
 * (CODERING_BUILD_TIMEOUT_MS), unless a caller asks for its own deadline. Both parts of the client
 * share one instance, so no call can pick a deadline of its own making.
 */
import type { CallOptions } from './image-engine';
import { withTimeout } from './with-timeout';

export interface EngineDeadlineSettings {
  /** Deadline of short calls (inspect, tag, remove, list, ping, create, start…). */
  callTimeoutMs: number;
  /** Deadline of long calls (build, push, pull). */
  buildTimeoutMs: number;
}

export class EngineDeadlines {
  constructor(readonly settings: Readonly<EngineDeadlineSettings>) {}

  /** A short call: `engine_timeout` past the deadline, the caller's signal honoured. */
  short<T>(what: string, options: CallOptions | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.settings.callTimeoutMs;
    return withTimeout({ what, timeoutMs, signal: options?.signal }, call);
  }

  /** A streaming call (build, push, pull): the long deadline. */
  long<T>(what: string, options: CallOptions | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = options?.timeoutMs ?? this.settings.buildTimeoutMs;
    return withTimeout({ what, timeoutMs, signal: options?.signal }, call);
  }
}
