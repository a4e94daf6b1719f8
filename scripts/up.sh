#!/usr/bin/env bash
# `npm run up`: from a fresh clone to a serving API on one machine. Installs the Node dependencies,
# prepares the engine, the registry and the Debian roots (prepare-engine.sh), builds the default
# runtimes and the API's own image (codering/api) with the codering CLI, then serves the API in the
# foreground.
#   npm run up -- --no-serve       prepare and build only
#   npm run up -- --no-api-image   do not build codering/api (only a container or a cluster runs it)
# CODERING_DEFAULT_RUNTIMES (commas) replaces the default runtimes; CODERING_PREBUILD=none builds none
# of them here, =all has the API build the whole catalogue once it serves (see README, Configuration).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
cd "$CODERING_ROOT"

serve=1
api_image=1
for arg in "$@"; do
  case "$arg" in
    --no-serve) serve=0 ;;
    --no-api-image) api_image=0 ;;
    -h | --help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die up "unknown option $arg (known: --no-serve, --no-api-image)" ;;
  esac
done

if deps_stale; then
  timed deps npm ci --no-audit --no-fund
else
  say deps "node_modules is up to date"
fi

timed prepare bash "$here/prepare-engine.sh"

if [[ -f bin/codering.js ]]; then
  # The default comes from the configuration's table (node_modules is installed by now); the CLI
  # also refuses a malformed or misspelled CODERING_* variable before anything is built.
  prebuild="$(npx --no-install codering config get CODERING_PREBUILD)"
  runtimes_text="$(npx --no-install codering config get CODERING_DEFAULT_RUNTIMES)"
  read -r -a runtimes <<< "$(tr ',' ' ' <<< "$runtimes_text")"
  case "$prebuild" in
    none)
      say build "CODERING_PREBUILD=none: no runtime is built before serving; each is built when a run first needs it"
      runtimes=()
      ;;
    all)
      say build "CODERING_PREBUILD=all: the default runtimes (${runtimes[*]:-none}) are built now; once the API serves, it builds every other version of the catalogue in the background (GET /v1/images/jobs)"
      ;;
    *) say build "CODERING_PREBUILD=$prebuild: the default runtimes (${runtimes[*]:-none}) are built now, before serving" ;;
  esac
  # One at a time: parallel builds can hang the engine, and the CLI shows each build's progress.
  # Built images are content-addressed, so a second `up` finds them and builds nothing.
  for spec in "${runtimes[@]}"; do
    timed "build $spec" npx --no-install codering build "$spec"
  done
  # The API's own image, what a container or the Pulumi program runs; content-tagged like the
  # runtimes, so it is rebuilt only when its sources or the lockfile change (the first build
  # compiles better-sqlite3 against Debian's node: a few minutes, once).
  if ((api_image)); then
    timed "build api image" npx --no-install codering api-image
  else
    say build "--no-api-image: codering/api not built"
  fi
else
  say build "the codering CLI (factory/cli) has not landed yet: no runtime built"
fi

cli_help() {
  cat <<'TXT'
[up] ready. The CLI:
  npx codering runtimes                 the catalogue: languages, versions, aliases
  npx codering resolve python@3         which exact version and image a spec means
  npx codering render python@3          the Dockerfile the factory would build
  npx codering build python@3           build (and push) that runtime image
  npx codering api-image                build (and push) the API's own image, codering/api
  npx codering images                   the images in the registry
  npx codering keys create --scope run  an API key (keys list, keys revoke <id>; README: Keys)
TXT
}

if ((serve == 0)); then
  cli_help
  exit 0
fi
if [[ ! -f registry-api/server.ts ]]; then
  cli_help
  say up "the API (registry-api/server.ts) has not landed yet: nothing to serve"
  exit 0
fi
say up "serving the API (npm start); Ctrl-C stops it, the engine and the registry keep running"
exec npm start
