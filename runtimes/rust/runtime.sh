#!/bin/sh
# Rust: rustc on the main file (modules it declares are found next to it). The linker drops the
# debug info of the standard library, which would otherwise make hello world an 11 MB binary: above
# the 8 MiB file-size limit of a run (ld dies of SIGXFSZ), and slower to write. Symbols stay, so a
# panic's backtrace still names the functions.
set -eu
binary=/box/.codering-main
case "${1:-}" in
  compile) exec rustc -C opt-level=1 -C link-arg=-Wl,--strip-debug -o "$binary" "$CODERING_MAIN" ;;
  run) shift; exec "$binary" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
