import { MalformedProxyResult } from './proxy-result-decoder';

/**
 * Splits the proxy's `--serve` output stream into result frames (`codering/1 <length>\n<json>\n`).
 * Bytes arrive in arbitrary chunks from the container's attached stdout; frames are handed out
 * whole. A byte stream that is not a frame can't be resynchronised: the worker is broken.
 */
export class ProxyFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (json: Buffer) => void,
    private readonly maxFrameBytes = 64 * 1024 * 1024,
  ) {}

  /** Feeds bytes; throws MalformedProxyResult when the stream is not frames. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const newline = this.pending.indexOf(0x0a);
      if (newline < 0) {
        if (this.pending.length > 64) throw new MalformedProxyResult('frame header too long');
        return;
      }
      const header = this.pending.subarray(0, newline).toString('latin1');
      const match = /^codering\/1 (\d{1,12})$/.exec(header);
      if (!match) throw new MalformedProxyResult(`bad frame header ${JSON.stringify(header.slice(0, 40))}`);
      const length = Number(match[1]);
      if (length > this.maxFrameBytes) throw new MalformedProxyResult('frame too large');
      const end = newline + 1 + length + 1;
      if (this.pending.length < end) return;
      const body = this.pending.subarray(newline + 1, newline + 1 + length);
      this.pending = this.pending.subarray(end);
      this.onFrame(Buffer.from(body));
    }
  }
}
