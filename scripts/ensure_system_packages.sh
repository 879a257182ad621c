#!/usr/bin/env bash
# System packages the tests need, from Debian (installed with apt-get when missing and we are root):
#   chromium        the dashboard's browser test (Playwright drives it; it cannot download browsers here)
#   fonts-noto-cjk  Chinese text in figures and the dashboard (matplotlib falls back to Noto Sans CJK)
# usage: bash scripts/ensure_system_packages.sh   (from any folder)
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing+=(fonts-noto-cjk)
[ "${#missing[@]}" = 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" fontconfig >/dev/null
else
  echo "missing system packages: run 'sudo apt-get install ${missing[*]}' (needed by the tests)" >&2
  exit 1
fi
