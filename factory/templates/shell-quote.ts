/**
 * Quoting for what a template writes into a Dockerfile. Library specs are validated by
 * factory/libraries before they get here; quoting them again is defence in depth, so that a grammar
 * bug can never become a shell command in a build running as root.
 */

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A string that cannot be put on one Dockerfile line at all (a newline ends the instruction). */
function assertPrintable(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new Error(`refusing to render ${what} ${JSON.stringify(value)}: it contains control characters`);
  }
}

/** One shell word: as is when it is plainly safe, else single-quoted (`'` written as `'\''`). */
export function shellQuote(value: string): string {
  assertPrintable(value, 'the shell word');
  if (value !== '' && SAFE_WORD.test(value) && !value.startsWith('-')) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A Dockerfile LABEL/ENV value: double-quoted with JSON's escapes, and `$` escaped too, because the
 * Dockerfile itself substitutes variables in LABEL and ENV.
 */
export function dockerfileString(value: string): string {
  assertPrintable(value, 'the Dockerfile value');
  return JSON.stringify(value).replace(/\$/g, '\\$');
}
