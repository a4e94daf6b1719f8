import fs from 'node:fs';
import path from 'node:path';

/** The folder of the proxy's C sources: every `.c` in it is compiled together into one binary. */
export const PROXY_SOURCE_DIR = path.join(__dirname, 'c');

/** One file of the proxy's C source (a `.c` or a header), by its name in the source folder. */
export interface ProxySourceFile {
  name: string;
  content: Buffer;
}

/**
 * Every C source and header of the proxy, in name order: the base image's build context holds them
 * all, so its content tag changes with any of them.
 */
export function readProxySources(dir: string = PROXY_SOURCE_DIR): ProxySourceFile[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /\.[ch]$/.test(name))
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name)) }));
}
