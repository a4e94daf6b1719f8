#!/bin/sh
# C++: every top-level .cpp/.cc/.cxx file is compiled with the main one, so that helper files link.
set -eu
binary=/box/.codering-main
case "${1:-}" in
  compile)
    set -- "$CODERING_MAIN"
    for file in *.cpp *.cc *.cxx; do
      if [ -f "$file" ] && [ "$file" != "$CODERING_MAIN" ]; then set -- "$@" "$file"; fi
    done
    exec g++ -O2 -pipe -o "$binary" "$@" -lm
    ;;
  run) shift; exec "$binary" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
