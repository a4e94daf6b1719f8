#!/bin/sh
# Python: no compile step. Buffered stdout on purpose (faster; the proxy reads the pipe to the end).
set -eu
case "${1:-}" in
  compile) exit 0 ;;
  run) shift; exec python3 "$CODERING_MAIN" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
