#!/usr/bin/env bash
# Install the Debian packages ChainAtlas needs, only those missing.
#   runtime: libgomp1 (OpenMP for the FalkorDB module), fonts-noto-cjk (Chinese in pictures)
#   tests:   chromium (headless browser tests)          -> pass "test"
set -euo pipefail
want=()
ldconfig -p 2>/dev/null | grep -q 'libgomp.so.1' || want+=(libgomp1)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || want+=(fonts-noto-cjk fontconfig)
if [ "${1:-}" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
fi
[ ${#want[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${want[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Run as root: apt-get install -y ${want[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
