#!/usr/bin/env bash
# Makes sure a Docker engine answers. CI and new machines have only the docker client, so on Debian
# as root we install docker.io and start dockerd ourselves (no systemd there). Idempotent: when
# `docker info` answers (a running dockerd, or DOCKER_HOST pointing at one) this is a no-op.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

command -v docker >/dev/null || apt_install engine docker.io
if engine_up; then
  say engine "Docker engine answers ($(timeout 10 docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi
if [[ -n "${DOCKER_HOST:-}" ]]; then
  die engine "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine, or unset DOCKER_HOST to let us start a local one"
fi
if ! is_root || ! has_apt; then
  die engine "no Docker engine answers, and starting one needs root on Debian; run as root, or set DOCKER_HOST to an engine"
fi

# docker.io brings dockerd, containerd, runc and tini (docker-init, which `--init` containers use).
command -v dockerd >/dev/null || apt_install engine docker.io
mkdir -p "$CODERING_DATA_ABS"
log="$CODERING_DATA_ABS/dockerd.log"
# The engine's data root stays Docker's default (/var/lib/docker), outside the clone: images built by
# an earlier run survive a fresh clone, which is what keeps CI well under its time budget.
say engine "starting dockerd (log: $log)"
# setsid: the engine must outlive this script and the terminal or CI step that started it.
setsid dockerd </dev/null >>"$log" 2>&1 &
echo $! > "$CODERING_DATA_ABS/dockerd.pid"
wait_until engine dockerd 60 "$(cat "$CODERING_DATA_ABS/dockerd.pid")" "$log" engine_up
say engine "Docker engine started ($(timeout 10 docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'))"
