/**
 * A streamed run (`POST /v1/run` as server-sent events, `GET /v1/run/ws`), as a worker sees it: where
 * the program's output goes while it runs, and where its interactive stdin comes from. A worker that
 * can't stream (a Nuclio function answers once per event) hands the outputs over at the end.
 */

import type { OutputPhase, OutputStream } from '../../proxy';

export interface RunStream {
  /** Each chunk the compiler, then the program, writes, in order, as soon as the worker has it. */
  output(stream: OutputStream, data: Buffer, phase: OutputPhase): void;
  /** Interactive stdin: bytes the client sends while the program runs. Absent: the request's stdin only. */
  readonly stdin?: StdinFeed;
}

/** Where the bytes for the program's stdin come from, once a worker has the run. */
export interface StdinFeed {
  /** Hands `sink` everything sent so far, then each later piece, then the end; until the returned detach. */
  attach(sink: StdinSink): () => void;
}

export interface StdinSink {
  write(data: Buffer): void;
  /** The client closed the program's stdin. */
  end(): void;
}
