/**
 * How a test case's stdout is compared with its `expectedStdout` (registry-api/executor/verdict.ts):
 * - `exact`: byte for byte;
 * - `trim`: the trailing whitespace of each line and the trailing blank lines are ignored (the
 *   default: a final newline, or a space a `print` left at the end of a line, is not a wrong answer);
 * - `tokens`: the whitespace-separated tokens are equal, however they are spaced or split in lines.
 */
export const COMPARE_MODES = ['exact', 'trim', 'tokens'] as const;

export type CompareMode = (typeof COMPARE_MODES)[number];

export const DEFAULT_COMPARE_MODE: CompareMode = 'trim';
