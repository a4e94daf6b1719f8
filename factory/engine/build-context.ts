/**
 * A build context made in memory: a tar with the Dockerfile and the few files a tier needs (the
 * proxy's source, runtime.sh, the Nuclio handler; for the API's own image, the files a list names).
 * Nothing of the repository is sent to the engine by accident, and the same files always make the
 * same tar (fixed mtime, uid, gid, order), so the engine's layer cache sees identical COPY sources.
 */
import fs from 'node:fs';
import path from 'node:path';
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

/**
 * What a context read from the repository leaves out, in the spirit of a .dockerignore: `name/` is
 * a folder of that name at any depth, any other pattern a file name, where `*` stands for any run
 * of characters. Matched against names, not paths, so that a test folder or a stray log is left out
 * wherever it is.
 */
export function contextIgnores(name: string, isDirectory: boolean, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const folder = pattern.endsWith('/');
    if (folder && !isDirectory) return false;
    const text = folder ? pattern.slice(0, -1) : pattern;
    const glob = new RegExp(`^${text.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return glob.test(name);
  });
}

export interface ContextTreeOptions {
  /** Files and folders to take, relative to `root`. */
  entries: readonly string[];
  /** Patterns left out at any depth (see contextIgnores). */
  ignore: readonly string[];
  /** Folder of the context the files go to (`api` puts `factory/x.ts` at `api/factory/x.ts`); default the root. */
  into?: string;
}

/**
 * Files of the repository as context files, in path order. Only the entries named are walked, so
 * nothing else of the repository (its data dir, its git folder, what another engineer left in it)
 * can reach the engine; symbolic links are not followed (node_modules is one in a git worktree).
 * Every file is 0644: the image's sources are read, never executed or written.
 */
export function readContextTree(root: string, options: ContextTreeOptions): ContextFile[] {
  const files: ContextFile[] = [];
  const visit = (relative: string): void => {
    const absolute = path.join(root, relative);
    const stat = fs.lstatSync(absolute);
    if (stat.isSymbolicLink() || contextIgnores(path.basename(relative), stat.isDirectory(), options.ignore)) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(absolute).sort()) visit(path.posix.join(relative, name));
    } else if (stat.isFile()) {
      files.push({ name: path.posix.join(options.into ?? '', relative), content: fs.readFileSync(absolute) });
    }
  };
  for (const entry of options.entries) visit(entry);
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
