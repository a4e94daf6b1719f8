/**
 * A build context made in memory: a tar with the Dockerfile and the few files a tier needs (the
 * proxy's source, runtime.sh, the Nuclio handler). Nothing of the repository is sent to the engine
 * by accident, and the same files always make the same tar (fixed mtime, uid, gid, order), so the
 * engine's layer cache sees identical COPY sources.
 */
import { pack } from 'tar-stream';

export interface ContextFile {
  /** Relative path inside the context: `Dockerfile`, `runtime.sh`. */
  name: string;
  content: Buffer | string;
  /** Unix mode; default 0644. Scripts the image executes are 0755 (the classic builder has no COPY --chmod). */
  mode?: number;
  /**
   * True for a file that describes the build's environment, not the image: the CAs a builder stage
   * trusts behind a TLS-intercepting proxy. Sent to the engine, left out of the content tag.
   */
  excludeFromTag?: boolean;
}

/** A fixed date, so that two tars of the same files are byte-identical. */
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

export function packContext(files: readonly ContextFile[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on('end', () => resolve(Buffer.concat(chunks)));
    tar.on('error', reject);
  });
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of sorted) {
    tar.entry(
      { name: file.name, mode: file.mode ?? 0o644, mtime: FIXED_MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root' },
      typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content,
    );
  }
  tar.finalize();
  return done;
}
