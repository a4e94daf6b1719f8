#!/usr/bin/env bash
# Makes sure the image registry the factory pushes to answers with our credentials.
# Locally that is Debian's docker-registry (distribution 2.8) run with OUR config under the data dir:
# Debian's own service points htpasswd at a folder and listens on every interface. Idempotent: a
# registry that already accepts our credentials with our config is left alone.
# With CODERING_REGISTRY pointing elsewhere, we only check that it answers.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

registry="${CODERING_REGISTRY:-$CODERING_REGISTRY_DEFAULT}"
user="${CODERING_REGISTRY_USERNAME:-$CODERING_REGISTRY_USERNAME_DEFAULT}"

if [[ ! "$registry" =~ ^(127\.0\.0\.1|localhost):([0-9]+)$ ]]; then
  for scheme in https http; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$scheme://$registry/v2/" || true)"
    if [[ "$code" = 200 || "$code" = 401 ]]; then
      say registry "using $registry (not managed here; credentials from CODERING_REGISTRY_USERNAME/_PASSWORD)"
      exit 0
    fi
  done
  die registry "CODERING_REGISTRY=$registry does not answer on /v2/"
fi
port="${BASH_REMATCH[2]}"
base="http://127.0.0.1:$port"

if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
  if ! is_root || ! has_apt; then die registry "docker-registry/htpasswd are missing and installing them needs root on Debian; or set CODERING_REGISTRY, CODERING_REGISTRY_USERNAME and CODERING_REGISTRY_PASSWORD to a registry of yours"; fi
  apt_install registry docker-registry apache2-utils
fi

mkdir -p "$REGISTRY_DIR/storage"
config="$REGISTRY_DIR/config.yml" htfile="$REGISTRY_DIR/htpasswd" pidfile="$REGISTRY_DIR/registry.pid"
log="$REGISTRY_DIR/registry.log"

# The password: the caller's, or one generated once and kept (mode 600) where the factory reads it.
if [[ -n "${CODERING_REGISTRY_PASSWORD:-}" ]]; then
  password="$CODERING_REGISTRY_PASSWORD"
else
  if [[ ! -s "$REGISTRY_DIR/password" ]]; then
    (umask 077; openssl rand -hex 24 > "$REGISTRY_DIR/password" 2>/dev/null \
      || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$REGISTRY_DIR/password")
    say registry "generated a password in $REGISTRY_DIR/password"
  fi
  password="$(tr -d '\n' < "$REGISTRY_DIR/password")"
fi

# The registry reads its config and htpasswd once, at start: any change means a restart.
changed=""
# The password goes over stdin (-i), not argv, where any local user could read it in ps.
if ! printf '%s' "$password" | htpasswd -vi "$htfile" "$user" >/dev/null 2>&1; then
  (umask 077; printf '%s' "$password" | htpasswd -Bci "$htfile" "$user" 2>/dev/null)   # bcrypt: the only hash it accepts
  changed=1
fi
wanted="$(cat <<YAML
# Written by scripts/start-registry.sh; rewritten on every run.
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: codering-registry
    path: $htfile
YAML
)"
if [[ ! -f "$config" || "$(cat "$config")" != "$wanted" ]]; then
  printf '%s\n' "$wanted" > "$config"
  changed=1
fi

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "$user:$password" "$base/v2/" || true; }

# Who listens on the port? Only a docker-registry serving one of our configs (this clone's, or a
# leftover from an earlier clone on the same machine) may be replaced.
listener_pid() {
  ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2
}
ours() {
  local pid="$1"
  [[ -n "$pid" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'docker-registry serve .*registry/config.yml'
}
stop_pid() {
  local pid="$1"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
}

code="$(status)"
if [[ "$code" = 200 && -z "$changed" ]]; then
  say registry "registry answers at 127.0.0.1:$port"
  exit 0
fi
if [[ "$code" != 000 ]]; then
  pid="$(listener_pid)"
  if pid_alive "$pidfile" docker-registry; then pid="$(cat "$pidfile")"; fi
  ours "$pid" || die registry "127.0.0.1:$port is taken (HTTP $code) by something we did not start; free the port, or set CODERING_REGISTRY to another address"
  say registry "restarting the registry (pid $pid) with the current config and credentials"
  stop_pid "$pid"
fi

say registry "starting docker-registry on 127.0.0.1:$port (log: $log)"
setsid docker-registry serve "$config" </dev/null >>"$log" 2>&1 &
echo $! > "$pidfile"
registry_ok() { [[ "$(status)" = 200 ]]; }
wait_until registry docker-registry 30 "$(cat "$pidfile")" "$log" registry_ok
say registry "registry answers at 127.0.0.1:$port (user $user)"
