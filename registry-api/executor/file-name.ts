/**
 * What a user's file may be called. The proxy writes the files under its workdir as the sandbox user,
 * so a name must never leave it or surprise a shell: a plain relative path of non-empty segments,
 * no `.`/`..`, no backslash (a Windows separator someone will try), no control characters.
 */

export const MAX_FILE_NAME_BYTES = 255;

/** Why `name` is unsafe, or undefined when it is fine. */
export function fileNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return `is longer than ${MAX_FILE_NAME_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is absolute';
  for (const segment of name.split('/')) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  }
  return undefined;
}
