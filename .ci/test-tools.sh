#!/usr/bin/env bash
# Tools the tests compare proxyproof against: tshark decodes the same captures,
# and Debian's aws command-line client drives the ELB API simulator; headless
# Chromium opens the HTML report offline (no console errors, screenshots).
set -euo pipefail
log() { printf '[test-tools] %s\n' "$*" >&2; }
. "$(dirname "$0")/lib.sh"
ensure_command tshark tshark
# PROXYPROOF_CHROMIUM names another Chromium or Chrome where Debian's is not
# offered (Ubuntu's chromium package is a snap stub).
CHROMIUM="${PROXYPROOF_CHROMIUM:-chromium}"
[ -n "${PROXYPROOF_CHROMIUM:-}" ] || ensure_command chromium chromium
# By path: another `aws` may be on PATH. PROXYPROOF_AWS_CLI names one to use
# instead where Debian's package is not offered (e.g. GitHub's Ubuntu runners).
AWS_CLI="${PROXYPROOF_AWS_CLI:-/usr/bin/aws}"
[ -x "$AWS_CLI" ] || apt_install awscli
log "tshark $(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}'), $("$AWS_CLI" --version 2>&1 | awk '{print $1}'), $("$CHROMIUM" --version 2>/dev/null | awk '{print $1, $2}')"
