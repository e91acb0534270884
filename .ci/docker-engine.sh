#!/usr/bin/env bash
# Make a Docker engine answer on /var/run/docker.sock: install docker.io from
# Debian if dockerd is absent, start it if it is not running. Idempotent.
set -euo pipefail

log() { printf '[docker-engine] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"

if docker info >/dev/null 2>&1; then
  log "engine already answering"
  exit 0
fi

ensure_command dockerd docker.io

if ! pgrep -x dockerd >/dev/null 2>&1; then
  log "starting dockerd"
  # A dockerd killed with the previous session leaves its pid file, and then refuses to start.
  rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
  # setsid: the engine must outlive this script's process group.
  setsid nohup dockerd >/var/log/proxyproof-dockerd.log 2>&1 < /dev/null &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "engine ready"
    exit 0
  fi
  sleep 1
done
log "dockerd did not answer within 60 s; see /var/log/proxyproof-dockerd.log"
tail -n 30 /var/log/proxyproof-dockerd.log >&2 || true
exit 1
