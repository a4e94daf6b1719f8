#!/bin/sh
# Go: builds the top-level .go files outside any module.
set -eu
binary=/box/.codering-main
export GOCACHE=/tmp/go-build GOPATH=/tmp/go GOTOOLCHAIN=local CGO_ENABLED=0
case "${1:-}" in
  compile)
    set -- "$CODERING_MAIN"
    for file in *.go; do
      if [ -f "$file" ] && [ "$file" != "$CODERING_MAIN" ]; then set -- "$@" "$file"; fi
    done
    exec go build -o "$binary" "$@"
    ;;
  run) shift; exec "$binary" "$@" ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
