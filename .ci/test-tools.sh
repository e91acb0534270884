#!/usr/bin/env bash
# Tools the tests compare proxyproof against: tshark decodes the same captures.
set -euo pipefail
log() { printf '[test-tools] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"
ensure_command tshark tshark
log "tshark $(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}')"
