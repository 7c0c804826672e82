#!/usr/bin/env bash
# Test-only Python environment for the interop tier: flytekit (pinned) in test/interop/.venv.
# The CLI never needs Python; only test/interop uses it. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=test/interop/.venv
if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 not found: the interop tier will be skipped" >&2
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! cmp -s test/interop/requirements.txt "$VENV/.requirements.installed" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r test/interop/requirements.txt
  cp test/interop/requirements.txt "$VENV/.requirements.installed"
fi
"$VENV/bin/python" -c 'import flytekit; print("flytekit", flytekit.__version__)'
