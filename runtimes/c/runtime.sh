#!/bin/sh
# C: every top-level .c file is compiled with the main one, so that helper files link.
set -eu
binary=/box/.codering-main
case "${1:-}" in
  compile)
    set -- "$CODERING_MAIN"
    for file in *.c; do
      if [ -f "$file" ] && [ "$file" != "$CODERING_MAIN" ]; then set -- "$@" "$file"; fi
    done
    exec gcc -O2 -pipe -o "$binary" "$@" -lm
    ;;
  run)
    shift
    # a streamed run: stdout line-buffered as on a terminal (stdio buffers a pipe whole); an
    # interactive one also reads stdin unbuffered, so that a prompt without a newline is flushed
    # before the program waits for input (glibc flushes line-buffered output when it reads one)
    if [ "${CODERING_INTERACTIVE:-}" = 1 ]; then exec stdbuf -i0 -oL "$binary" "$@"; fi
    if [ "${CODERING_STREAM:-}" = 1 ]; then exec stdbuf -oL "$binary" "$@"; fi
    exec "$binary" "$@"
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
