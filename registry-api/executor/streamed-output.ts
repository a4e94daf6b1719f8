/**
 * The output of a streamed run on its way to the client, counted: no more than the run's output limit
 * goes out, stdout and stderr together, whatever a worker sends (the proxy stops at that limit too,
 * and a Nuclio function's outputs come capped in its result). It also remembers whether anything went
 * out: after that, a retry on another worker would send the output a second time, so there is none.
 */

import type { OutputStream } from '../../proxy';
import type { RunStream, StdinFeed } from '../platform';

/** What a streamed run's caller listens with (the SSE and WebSocket routes). */
export interface StreamListener {
  /** A worker has the run and was sent the request: what comes next is the program's. */
  started?(): void;
  /** A chunk the program wrote, in order; never more than the output limit in all. */
  output(stream: OutputStream, data: Buffer): void;
  /** Interactive stdin; absent: the request's stdin only. */
  readonly stdin?: StdinFeed;
}

export class StreamedOutput implements RunStream {
  private bytes = 0;
  readonly stdin?: StdinFeed;

  constructor(
    private readonly listener: StreamListener,
    private readonly limitBytes: number,
  ) {
    if (listener.stdin !== undefined) this.stdin = listener.stdin;
  }

  /** Bytes sent to the client so far. */
  get sentBytes(): number {
    return this.bytes;
  }

  /** Something reached the client: the run can't be retried elsewhere without repeating it. */
  get touched(): boolean {
    return this.bytes > 0;
  }

  output(stream: OutputStream, data: Buffer): void {
    const room = this.limitBytes - this.bytes;
    if (room <= 0 || data.length === 0) return;
    const kept = data.length > room ? data.subarray(0, room) : data;
    this.bytes += kept.length;
    this.listener.output(stream, kept);
  }
}
