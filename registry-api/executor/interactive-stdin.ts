/**
 * The stdin a client sends while its program runs (`GET /v1/run/ws`), between the client and the
 * worker that has the run. What comes before a worker does is kept, and all of it is handed to the
 * worker when it attaches: a retry on another worker (nothing was streamed yet) gets the same stdin.
 * Its bytes count against the run's stdin limit, with the request's own `stdin`.
 */

import type { StdinFeed, StdinSink } from '../platform';

export class InteractiveStdin implements StdinFeed {
  private readonly sent: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private sink: StdinSink | null = null;

  /** `maxBytes`: what the client may still send (the run's stdin limit less the request's stdin). */
  constructor(private readonly maxBytes: number) {}

  /** Bytes taken so far. */
  get size(): number {
    return this.bytes;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Takes `data` for the program's stdin; false (nothing taken) when it would pass the limit. */
  write(data: Buffer): boolean {
    if (this.ended) return false;
    if (this.bytes + data.length > this.maxBytes) return false;
    this.bytes += data.length;
    this.sent.push(data);
    this.sink?.write(data);
    return true;
  }

  /** Closes the program's stdin (once). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink?.end();
  }

  attach(sink: StdinSink): () => void {
    this.sink = sink;
    for (const data of this.sent) sink.write(data);
    if (this.ended) sink.end();
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }
}
