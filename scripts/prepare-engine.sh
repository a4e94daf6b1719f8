#!/usr/bin/env bash
# Everything the factory and the integration tests need outside Node: a Docker engine, the local
# image registry with its credentials, the Debian root images, and Chromium for the browser test. Each step is its own script and
# is idempotent, so on a machine that is already set up this costs a few seconds.
# As root on Debian it installs and starts what is missing; elsewhere it checks what you provide:
#   DOCKER_HOST            an engine to use instead of starting dockerd here
#   CODERING_REGISTRY      a registry to use instead of ours (+ CODERING_REGISTRY_USERNAME/_PASSWORD)
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"

if ! is_root || ! has_apt; then
  echo "[prepare] not root on Debian: nothing will be installed or started as a system service." >&2
  echo "[prepare] provide a running engine (or DOCKER_HOST) and a registry (CODERING_REGISTRY," >&2
  echo "[prepare] CODERING_REGISTRY_USERNAME, CODERING_REGISTRY_PASSWORD), and the root images." >&2
fi

# The integration tier's browser test drives a page against the API in Debian's Chromium
# (tests/integration/browser); playwright-core drives it and downloads no browser of its own.
if ! command -v chromium >/dev/null && is_root && has_apt; then apt_install browser chromium; fi

bash "$here/start-engine.sh"
bash "$here/start-registry.sh"
bash "$here/prepare-roots.sh"
