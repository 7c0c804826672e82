#!/usr/bin/env bash
# Installs the browser the console's tests drive: Chromium from Debian's packages (playwright-core
# uses it as is; nothing is downloaded by npm). Idempotent. Without apt-get it says what to do and
# exits 0; the browser tests then skip with that message, and fail under CI.
set -euo pipefail
BROWSER="${FLYTECTL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$BROWSER" ]; then
  echo "browser: $("$BROWSER" --version 2>/dev/null || echo "$BROWSER")"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: no $BROWSER and no apt-get here; install Chromium and set FLYTECTL_CHROMIUM to run the console tests" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "browser: installing Chromium needs root (apt-get install chromium)" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "browser: $("$BROWSER" --version)"
