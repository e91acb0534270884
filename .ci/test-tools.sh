#!/usr/bin/env bash
# Tools the tests compare proxyproof against: tshark decodes the same captures,
# and Debian's aws command-line client drives the ELB API simulator.
set -euo pipefail
log() { printf '[test-tools] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"
ensure_command tshark tshark
# By path: another `aws` may be on PATH. PROXYPROOF_AWS_CLI names one to use
# instead where Debian's package is not offered (e.g. GitHub's Ubuntu runners).
AWS_CLI="${PROXYPROOF_AWS_CLI:-/usr/bin/aws}"
[ -x "$AWS_CLI" ] || apt_install awscli
log "tshark $(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}'), $("$AWS_CLI" --version 2>&1 | awk '{print $1}')"
