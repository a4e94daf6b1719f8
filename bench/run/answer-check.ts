/** The one check every answer passes, whichever way it was run: a fast wrong answer is an error. */

import type { RunCase } from './bench-programs';

export function checkAnswer(program: Pick<RunCase, 'label' | 'expectedStdout'>, status: string, stdout: string): void {
  if (status !== 'ok' || stdout !== program.expectedStdout) {
    throw new Error(`wrong answer for ${program.label}: status ${status}, stdout ${JSON.stringify(stdout.slice(0, 200))}`);
  }
}
