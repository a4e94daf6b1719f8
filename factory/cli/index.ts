/** The `codering` command: `bin/codering.js` runs `main`; `main.ts` also runs alone (`npm run codering`). */
export { createProgram, describeError, exitCodeOf, main } from './main';
export type { ProgramOptions } from './main';
