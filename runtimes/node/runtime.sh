#!/bin/sh
# Node.js: no compile step; libraries of an exercise image are found through NODE_PATH.
set -eu
case "${1:-}" in
  compile) exit 0 ;;
  run) shift; exec node "$CODERING_MAIN" "$@" ;;
  prewarm)
    # Node starts before the request and waits on fd 3 for `main NUL args…` (proxy/README.md);
    # runMain then loads the program as `node main.js args…` does (require.main, argv, ESM or not).
    exec node -e '
const fs = require("fs");
const path = require("path");
// libuv starts its thread pool on the first asynchronous file call: start it now, while no program
// waits (the sandbox has no io_uring, which would otherwise take those calls)
fs.stat("/", () => {});
const argv = fs.readFileSync(3, "utf8").split("\0");
fs.closeSync(3);
const main = path.resolve(argv[0]);
process.argv = [process.argv[0], main, ...argv.slice(1)];
// child_process.fork and worker threads start from execArgv: not from this boot code
process.execArgv.length = 0;
process.env.CODERING_MAIN = argv[0];
require("module").runMain(main);
'
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
