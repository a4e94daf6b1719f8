#!/bin/sh
# Node.js: no compile step; libraries of an exercise image are found through NODE_PATH.
set -eu
case "${1:-}" in
  compile) exit 0 ;;
  run) shift; exec node "$CODERING_MAIN" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
