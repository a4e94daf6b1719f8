#!/bin/sh
# Ruby: no compile step.
set -eu
case "${1:-}" in
  compile) exit 0 ;;
  run) shift; exec ruby "$CODERING_MAIN" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
