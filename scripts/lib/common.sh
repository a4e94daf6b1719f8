# shellcheck shell=bash
# Shared by the set-up scripts: where things live, how we log, how we install and how we wait.
# Sourced, never run. Every path comes from the same CODERING_* variables the factory reads, so the
# scripts and the TypeScript side can never disagree on where the registry's password is.

CODERING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The defaults of config/config-variables.ts, written out because these scripts run before `npm ci`
# (CI runs prepare-engine.sh first); tests/unit/config/script-defaults.test.ts keeps them equal.
# Scripts that run after `npm ci` ask `npx codering config get <VARIABLE>` instead.
CODERING_DATA_DIR_DEFAULT=".data"
# shellcheck disable=SC2034 # used by the scripts that source this file
CODERING_REGISTRY_DEFAULT="127.0.0.1:5000"
# shellcheck disable=SC2034
CODERING_REGISTRY_USERNAME_DEFAULT="codering"
# A relative data dir is taken from the repository root, as the API and the CLI run from there.
data_dir="${CODERING_DATA_DIR:-$CODERING_DATA_DIR_DEFAULT}"
[[ "$data_dir" = /* ]] || data_dir="$CODERING_ROOT/$data_dir"
CODERING_DATA_ABS="$data_dir"
unset data_dir
# shellcheck disable=SC2034
REGISTRY_DIR="$CODERING_DATA_ABS/registry"

say() { echo "[$1] ${*:2}"; }
die() { echo "[$1] ERROR: ${*:2}" >&2; exit 1; }

is_root() { [[ "$(id -u)" = 0 ]]; }
has_apt() { command -v apt-get >/dev/null && command -v dpkg >/dev/null; }

# apt-get update costs ~10 s: once per script run, and only when something is really missing.
_apt_updated=""
apt_install() {
  local tag="$1"; shift
  local missing=() pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if ! is_root || ! has_apt; then die "$tag" "needs ${missing[*]} (install them, or run as root on Debian)"; fi
  say "$tag" "installing ${missing[*]}"
  if [[ -z "$_apt_updated" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    _apt_updated=1
  fi
  # Packages such as docker.io and docker-registry start their Debian service on install; we start
  # our own processes with our own config, so services are held back while apt runs (policy-rc.d).
  local made_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [[ -z "$made_policy" ]] || rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "$tag" "apt-get install ${missing[*]} failed (exit $rc)"
}

# wait_until <tag> <what> <seconds> <pid> <log> <command...>: polls once a second until the command
# succeeds. Bounded, and it gives up at once if the process <pid> we started has died; either way
# the log's tail is shown, so a failure explains itself.
wait_until() {
  local tag="$1" what="$2" seconds="$3" pid="$4" log="$5"
  shift 5
  local deadline=$((SECONDS + seconds)) problem=""
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then problem="exited before answering"
    elif ((SECONDS >= deadline)); then problem="did not answer within ${seconds}s"
    fi
    if [[ -n "$problem" ]]; then
      [[ ! -f "$log" ]] || { echo "--- last lines of $log" >&2; tail -n 20 "$log" >&2; }
      die "$tag" "$what $problem"
    fi
    sleep 1
  done
}

# A pid file is only trusted while that pid is still the program we started.
pid_alive() {
  local file="$1" name="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && grep -qa -- "$name" "/proc/$pid/cmdline" 2>/dev/null
}

# timed <tag> <command...>: runs one phase and says how long it took (CI logs, `npm run up`).
timed() {
  local tag="$1" start=$SECONDS rc=0
  shift
  "$@" || rc=$?
  if ((rc)); then say "$tag" "failed after $((SECONDS - start))s (exit $rc)"; else say "$tag" "done in $((SECONDS - start))s"; fi
  return "$rc"
}

# npm ci when node_modules is missing or older than the lockfile (npm writes its own copy of the
# lock into node_modules, so its date says when the tree was last installed). Install scripts run
# only for the packages package.json's allowScripts approves (npm 11): better-sqlite3 compiles.
deps_stale() {
  [[ ! -f "$CODERING_ROOT/node_modules/.package-lock.json" \
    || "$CODERING_ROOT/package-lock.json" -nt "$CODERING_ROOT/node_modules/.package-lock.json" ]]
}
