# Shared helpers for the .ci scripts; sourced, not run.

# Runs a command as root: directly on CI machines that are root, through sudo
# where the runner is a user with sudo (e.g. GitHub's hosted runners).
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PACKAGE: install a Debian package, quietly. The package lists
# are refreshed once per script, not once per package.
apt_install() {
  log "installing $1 from Debian"
  if [ -z "${APT_LISTS_FRESH:-}" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_LISTS_FRESH=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

# ensure_command CMD PACKAGE: install Debian's PACKAGE unless CMD is already on PATH.
ensure_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  apt_install "$2"
}
