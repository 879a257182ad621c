#!/usr/bin/env bash
# Debian's chromium for the dashboard's browser test (Playwright drives it; it cannot
# download its own browsers here). Installs it with apt when missing and we are root.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium is missing: run 'sudo apt-get install chromium' (needed by the browser test)" >&2
  exit 1
fi
