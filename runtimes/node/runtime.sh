#!/bin/sh
# Node.js: no compile step; libraries of an exercise image are found through NODE_PATH.
set -eu
boot=/opt/codering/prewarm.js
case "${1:-}" in
  compile) exit 0 ;;
  run) shift; exec node "$CODERING_MAIN" "$@" ;;
  prewarm)
    # Node starts as `run` starts it, `node main.js` (main.js: the catalogue's main file), and waits in
    # a module preloaded with --require for `main NUL args…` on fd 3 (proxy/README.md). The preload
    # then tidies up after itself and returns: node loads main.js and runs it as `node main.js args…`
    # would, with the same stack under the program's. CODERING_MAIN is set once the request comes;
    # exported empty now, it keeps its place in the environment, and tells the preload it is the
    # boot (worker threads run preloads again: by then it holds the main file).
    CODERING_MAIN='' exec node --require "$boot" main.js
    ;;
  prepare)
    # At image build (runtime.yaml's `prepare`, as root): the preload, which must be a file for as
    # long as the program runs (worker threads load it again), in the read-only root
    cat >"$boot" <<'EOF'
'use strict';
// codering: `runtime.sh prewarm` (runtimes/node/runtime.sh, which writes this file)
// the --require of it, as `node main.js` has none: out of execArgv (which child_process.fork and
// worker threads start from), and itself out of require.cache
const option = process.execArgv.indexOf('--require');
if (option >= 0 && process.execArgv[option + 1] === __filename) process.execArgv.splice(option, 2);
delete require.cache[__filename];
if (process.env.CODERING_MAIN === '') {
  const fs = require('fs');
  const path = require('path');
  // libuv starts its thread pool on the first asynchronous file call: start it now, while no program
  // waits (the sandbox has no io_uring, which would otherwise take those calls)
  fs.stat('/', () => {});
  // the main file and the args, decoded as node decodes its own argv (UTF-8)
  const argv = fs.readFileSync(3, 'utf8').split('\0');
  fs.closeSync(3);
  process.env.CODERING_MAIN = argv[0];
  const started = process.argv[1];
  const main = path.resolve(argv[0]);
  process.argv.splice(1, process.argv.length - 1, main, ...argv.slice(1));
  if (main !== started) {
    // node has already resolved main.js and calls Module.runMain(it) next: for this once, runMain
    // runs the request's main file instead. Bound, it adds no frame; put back before it runs, it is
    // named in stacks as without us (`executeUserEntryPoint [as runMain]`).
    // (Module is this module's class: require('module') would load a builtin node had not loaded)
    const Module = module.constructor;
    const runMain = Object.getOwnPropertyDescriptor(Module, 'runMain');
    Object.defineProperty(Module, 'runMain', {
      configurable: true,
      enumerable: runMain.enumerable,
      get() {
        Object.defineProperty(Module, 'runMain', runMain);
        return runMain.value.bind(Module, main);
      },
    });
  }
}
EOF
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
