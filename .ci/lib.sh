# Shared helpers for the .ci scripts; sourced, not run.

# ensure_command CMD PACKAGE: install Debian's PACKAGE unless CMD is already on PATH.
ensure_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2 from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$2" >/dev/null
}
