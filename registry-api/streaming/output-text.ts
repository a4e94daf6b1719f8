/**
 * The program's bytes as the chunks a streamed run sends (one per output stream): text when they are
 * UTF-8, else base64 with `encoding: "base64"`. A character cut between two chunks of the program's
 * output is not a reason for base64: its first bytes wait for the rest (at most 3 bytes wait).
 */

import { isUtf8 } from 'node:buffer';
import type { OutputChunk } from '../contract';

/** A chunk's bytes as text (or base64); its phase is added by OutputChunks. */
export type OutputTextChunk = Omit<OutputChunk, 'phase'>;

export class OutputText {
  private held: Buffer = Buffer.alloc(0);

  /** The chunk to send for `bytes`, or none when all of them wait for the rest of a character. */
  push(bytes: Buffer): OutputTextChunk[] {
    const all = this.held.length === 0 ? bytes : Buffer.concat([this.held, bytes]);
    const cut = completeLength(all);
    this.held = Buffer.from(all.subarray(cut));
    return chunksOf(all.subarray(0, cut));
  }

  /** What still waits, at the end of the output: a character that never was completed. */
  flush(): OutputTextChunk[] {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return chunksOf(rest);
  }
}

function chunksOf(bytes: Buffer): OutputTextChunk[] {
  if (bytes.length === 0) return [];
  return isUtf8(bytes) ? [{ data: bytes.toString('utf8') }] : [{ data: bytes.toString('base64'), encoding: 'base64' }];
}

/** Where a multi-byte character begun in the last 3 bytes, and not finished, starts (else the length). */
export function completeLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i -= 1) {
    const byte = bytes[i] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    if (byte < 0xc0) return bytes.length; // ASCII (or a stray byte): nothing is cut
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return bytes.length - i < needed ? i : bytes.length;
  }
  return bytes.length;
}
