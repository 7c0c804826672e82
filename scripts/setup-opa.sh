#!/usr/bin/env bash
# Test-only: the OPA server the auth tests run (test/integration/controlplane/auth-opa.int.test.ts),
# built with `go install` from the Go module proxy into .tools/bin. Without Go, those tests skip and
# say why. Idempotent: an installed binary of the pinned version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
OPA_VERSION=v1.22.4
BIN="$PWD/.tools/bin"
# (No `grep -q`/`head` on a pipe here: under pipefail, the writer they stop early fails with SIGPIPE.)
if [ -x "$BIN/opa" ] && "$BIN/opa" version 2>/dev/null | grep "^Version: ${OPA_VERSION#v}$" >/dev/null; then
  echo "opa ${OPA_VERSION} already in $BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "go not found: the OPA auth tests will be skipped" >&2
  exit 0
fi
mkdir -p "$BIN"
GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "github.com/open-policy-agent/opa@${OPA_VERSION}"
"$BIN/opa" version | sed -n 1p
