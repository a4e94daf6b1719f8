/**
 * What an interactive run's program reads after the request's own stdin (proxy/README.md,
 * "Streaming and interactive stdin"): `stdin <length>\n<bytes>\n` frames on the proxy's stdin while
 * it runs, then `stdin-eof` to close the program's stdin. Lengths are bytes, so any bytes pass.
 */

export function encodeStdinFrame(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`stdin ${data.length}\n`), data, Buffer.from('\n')]);
}

/** Closes the program's stdin once every frame before it is written. */
export const STDIN_EOF_LINE = Buffer.from('stdin-eof\n');
