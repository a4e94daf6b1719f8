#!/usr/bin/env node
// The `codering` command (package.json "bin"): plain JavaScript that registers tsx, so the CLI runs
// from the TypeScript sources with no build step, then hands over to factory/cli (main.ts).
'use strict';
require('tsx/cjs/api').register();
const { main } = require('../factory/cli');

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
