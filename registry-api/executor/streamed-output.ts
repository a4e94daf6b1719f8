/**
 * The output of a streamed run on its way to the client, counted: no more than the run's output limit
 * goes out per phase, stdout and stderr together, whatever a worker sends (the proxy stops at that
 * limit too, and a Nuclio function's outputs come capped in its result). The compiler's output counts
 * apart from the program's, as the result keeps them apart: a long list of warnings takes nothing
 * from what the program may print. It also remembers whether anything went out: after that, a retry
 * on another worker would send the output a second time, so there is none.
 */

import type { OutputPhase, OutputStream } from '../../proxy';
import type { RunStream, StdinFeed } from '../platform';

/** What a streamed run's caller listens with (the SSE and WebSocket routes). */
export interface StreamListener {
  /** A worker has the run and was sent the request: what comes next is the compiler's, then the program's. */
  started?(): void;
  /** A chunk the compiler or the program wrote, in order; never more than the output limit per phase. */
  output(stream: OutputStream, data: Buffer, phase: OutputPhase): void;
  /** Interactive stdin; absent: the request's stdin only. */
  readonly stdin?: StdinFeed;
}

export class StreamedOutput implements RunStream {
  private readonly bytes: Record<OutputPhase, number> = { compile: 0, run: 0 };
  readonly stdin?: StdinFeed;

  constructor(
    private readonly listener: StreamListener,
    private readonly limitBytes: number,
  ) {
    if (listener.stdin !== undefined) this.stdin = listener.stdin;
  }

  /** The program's bytes sent to the client so far. */
  get sentBytes(): number {
    return this.bytes.run;
  }

  /** Something reached the client: the run can't be retried elsewhere without repeating it. */
  get touched(): boolean {
    return this.bytes.compile + this.bytes.run > 0;
  }

  output(stream: OutputStream, data: Buffer, phase: OutputPhase): void {
    const room = this.limitBytes - this.bytes[phase];
    if (room <= 0 || data.length === 0) return;
    const kept = data.length > room ? data.subarray(0, room) : data;
    this.bytes[phase] += kept.length;
    this.listener.output(stream, kept, phase);
  }
}
