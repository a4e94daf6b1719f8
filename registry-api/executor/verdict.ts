/**
 * A test case's verdict: what it ended as, and, when it ended `ok` with an expected stdout, whether
 * its stdout is that one under the request's comparison (contract/compare-modes.ts). Judging is the
 * API's: the proxy only runs the cases and says what each did.
 */

import type { CaseStatus, CompareMode, Verdict } from '../contract';

/** Each line without its trailing whitespace, and no blank line at the end. */
function trimmed(text: string): string {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

function tokens(text: string): string[] {
  return text.split(/\s+/).filter((token) => token !== '');
}

/** True when `actual` is `expected` under `mode`. */
export function outputsMatch(actual: string, expected: string, mode: CompareMode): boolean {
  switch (mode) {
    case 'exact':
      return actual === expected;
    case 'trim':
      return trimmed(actual) === trimmed(expected);
    case 'tokens': {
      const got = tokens(actual);
      const wanted = tokens(expected);
      return got.length === wanted.length && got.every((token, index) => token === wanted[index]);
    }
  }
}

/** `passed` or `failed` for a case that ended `ok` (passed when nothing was expected); its status otherwise. */
export function verdictOf(status: CaseStatus, stdout: string, expectedStdout: string | undefined, mode: CompareMode): Verdict {
  if (status !== 'ok') return status;
  return expectedStdout === undefined || outputsMatch(stdout, expectedStdout, mode) ? 'passed' : 'failed';
}
