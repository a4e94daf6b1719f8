#!/bin/sh
# Ruby: no compile step.
set -eu
sync=/opt/codering/ruby-stream/sync.rb
case "${1:-}" in
  compile) exit 0 ;;
  run)
    shift
    # a streamed run (CODERING_STREAM): $stdout written through, as on a terminal (ruby buffers a
    # pipe until the end); required from the image's read-only root, so no frame of ours in a backtrace
    if [ "${CODERING_STREAM:-}" = 1 ]; then exec ruby -r"$sync" "$CODERING_MAIN" "$@"; fi
    exec ruby "$CODERING_MAIN" "$@"
    ;;
  prepare)
    # At image build (runtime.yaml's `prepare`, as root)
    mkdir -p "${sync%/*}"
    printf '%s\n' '# codering: a streamed run writes $stdout through (runtimes/ruby/runtime.sh)' '$stdout.sync = true' >"$sync"
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
