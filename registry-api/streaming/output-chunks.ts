/**
 * A streamed run's output as the chunks its client gets, over either route (server-sent events, the
 * WebSocket): one OutputText per phase and stream, so that a character cut at the end of one never
 * waits for bytes of another, and each chunk says whose it is (`compile`, `run`). When the program's
 * output begins, what the compiler's still held goes first: the client sees the phases in order.
 */

import type { OutputPhase, OutputStream } from '../../proxy';
import type { OutputChunk } from '../contract';
import { OutputText } from './output-text';

export interface StreamChunk {
  stream: OutputStream;
  chunk: OutputChunk;
}

const STREAMS: readonly OutputStream[] = ['stdout', 'stderr'];

export class OutputChunks {
  private readonly texts = new Map<`${OutputPhase}/${OutputStream}`, OutputText>();
  private phase: OutputPhase | null = null;

  /** The chunks to send for these bytes (none while they end inside a character). */
  push(stream: OutputStream, bytes: Buffer, phase: OutputPhase): StreamChunk[] {
    const earlier = this.phase !== null && this.phase !== phase ? this.flush() : [];
    this.phase = phase;
    let text = this.texts.get(`${phase}/${stream}`);
    if (text === undefined) {
      text = new OutputText();
      this.texts.set(`${phase}/${stream}`, text);
    }
    return [...earlier, ...text.push(bytes).map((chunk) => ({ stream, chunk: { ...chunk, phase } }))];
  }

  /** What still waits, at the end of the output (or of a phase): characters that never were completed. */
  flush(): StreamChunk[] {
    if (this.phase === null) return [];
    const phase = this.phase;
    return STREAMS.flatMap((stream) => (this.texts.get(`${phase}/${stream}`)?.flush() ?? []).map((chunk) => ({ stream, chunk: { ...chunk, phase } })));
  }
}
