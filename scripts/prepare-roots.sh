#!/usr/bin/env bash
# Makes the Debian root images (codering/debian:<suite>) for every suite the catalogue uses.
# The suites come from the `suite:` lines of runtimes/*/runtime.yaml, so adding a runtime on a new
# suite needs no change here; with no catalogue yet, all three suites we support are made.
# Two debootstraps at a time: they are network- and disk-bound, and the machines have 2 cores.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

mapfile -t suites < <(sed -nE 's/^[[:space:]]*suite:[[:space:]]*["'\'']?([a-z]+)["'\'']?.*$/\1/p' \
  "$CODERING_ROOT"/runtimes/*/runtime.yaml 2>/dev/null | sort -u)
((${#suites[@]})) || suites=(bullseye bookworm trixie)

missing=()
for suite in "${suites[@]}"; do
  if timeout 20 docker image inspect "codering/debian:$suite" >/dev/null 2>&1; then
    say root "codering/debian:$suite already present"
  else
    missing+=("$suite")
  fi
done
((${#missing[@]})) || exit 0

if ! is_root; then
  die root "codering/debian:{${missing[*]}} are missing and debootstrap needs root; run this as root once"
fi
command -v debootstrap >/dev/null || apt_install root debootstrap
say root "making ${missing[*]} (1-2 min each, two at a time)"
printf '%s\n' "${missing[@]}" | xargs -P 2 -n 1 bash "$CODERING_ROOT/scripts/make-debian-root.sh"
