/** The one check every answer passes, whichever way it was run: a fast wrong answer is an error. */

import type { BenchProgram } from './bench-programs';

export function checkAnswer(program: BenchProgram, status: string, stdout: string): void {
  if (status !== 'ok' || stdout !== program.expectedStdout) {
    throw new Error(`wrong answer for ${program.language}/${program.name}: status ${status}, stdout ${JSON.stringify(stdout.slice(0, 200))}`);
  }
}
