#!/bin/sh
# Rust: rustc on the main file (modules it declares are found next to it).
set -eu
binary=/box/.codering-main
case "${1:-}" in
  compile) exec rustc -C opt-level=1 -o "$binary" "$CODERING_MAIN" ;;
  run) shift; exec "$binary" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
