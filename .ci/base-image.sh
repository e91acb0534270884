#!/usr/bin/env bash
# Make debian:bookworm-slim available to `docker build` without a registry:
# pull it if a registry answers, else debootstrap a minimal bookworm from the
# Debian mirror apt is already configured with and `docker import` it.
set -euo pipefail

IMAGE=debian:bookworm-slim
log() { printf '[base-image] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "$IMAGE present"
  exit 0
fi

if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  log "pulled $IMAGE"
  exit 0
fi

# The mirror apt uses here; never hard-coded, so the script follows the machine.
mirror=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources || true;
            grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list || true; } \
          | awk '{print $2}' | grep -v security | head -n 1 || true)
if [ -z "$mirror" ]; then
  log "no Debian mirror found in apt's sources; cannot build $IMAGE"
  exit 1
fi

ensure_command debootstrap debootstrap

root=$(mktemp -d /tmp/proxyproof-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
log "debootstrap bookworm from $mirror (about a minute)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/proxyproof-debootstrap.log 2>&1 \
  || { tail -n 30 /tmp/proxyproof-debootstrap.log >&2; exit 1; }
# Same cleanup the official slim image does: no apt lists, no caches.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$IMAGE" >/dev/null
log "imported $IMAGE"
