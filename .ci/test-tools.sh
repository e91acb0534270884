#!/usr/bin/env bash
# Tools the tests compare proxyproof against: tshark decodes the same captures,
# and Debian's aws command-line client drives the ELB API simulator.
set -euo pipefail
log() { printf '[test-tools] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"
ensure_command tshark tshark
# By path: another `aws` (e.g. a pip install) may already be on PATH.
[ -x /usr/bin/aws ] || apt_install awscli
log "tshark $(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}'), $(/usr/bin/aws --version 2>&1 | awk '{print $1}')"
