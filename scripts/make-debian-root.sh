#!/usr/bin/env bash
# Makes the Debian root image codering/debian:<suite> that every codering image starts FROM.
# No image registry on the internet is reachable from our machines, so the root comes from
# Debian's own archive (debootstrap) and is imported into the engine. Idempotent: an existing
# image is kept, so a second run costs one `docker image inspect`.
set -euo pipefail
suite="${1:?usage: make-debian-root.sh <suite> (bullseye|bookworm|trixie)}"
# CODERING_DEBIAN_MIRROR's default, written out: this runs before `npm ci` (a unit test keeps it
# equal to config/config-variables.ts).
mirror="${CODERING_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
image="codering/debian:${suite}"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "[root] $image already present"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "[root] debootstrap is missing: apt-get install -y debootstrap" >&2; exit 1; }

work="$(mktemp -d "/var/tmp/codering-root-${suite}.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "[root] debootstrap $suite (about a minute)"
debootstrap --variant=minbase "$suite" "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2; echo "[root] debootstrap $suite failed" >&2; exit 1; }
# Drop apt's downloaded archives and lists: the images install what they need with apt-get update.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" -c . | docker import \
  --change "LABEL org.codering.managed=true org.codering.kind=debian-root org.codering.suite=${suite}" \
  --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "[root] imported $image"
