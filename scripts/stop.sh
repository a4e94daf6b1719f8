#!/usr/bin/env bash
# Stops what scripts/prepare-engine.sh started: the registry, and dockerd only if we started it
# (its pid file exists). An engine started by someone else, or by the system, is left alone.
# The data (registry storage, images) is kept; `rm -rf .data` forgets the registry for good.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

stop() {
  local tag="$1" file="$2" name="$3" seconds="$4" pid
  if ! pid_alive "$file" "$name"; then
    say "$tag" "$name: not started by us, or already stopped"
    rm -f "$file"
    return 0
  fi
  pid="$(cat "$file")"
  say "$tag" "stopping $name (pid $pid)"
  kill "$pid"
  local deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then say "$tag" "$name still running after ${seconds}s: SIGKILL"; kill -9 "$pid"; break; fi
    sleep 0.5
  done
  rm -f "$file"
}

stop registry "$REGISTRY_DIR/registry.pid" docker-registry 10
# dockerd stops its containers first: give it time.
stop engine "$CODERING_DATA_ABS/dockerd.pid" dockerd 30
