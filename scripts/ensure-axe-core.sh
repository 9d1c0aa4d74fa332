#!/usr/bin/env bash
# axe-core for the accessibility tests, installed with npm in tests/e2e (the machine's own npm
# configuration applies: its registry, proxy and CA). Where npm or its registry is unavailable the
# accessibility tests are skipped with a notice, except in CI (CI=true), where that is a failure.
set -uo pipefail
cd "$(dirname "$0")/../tests/e2e"
[ -f node_modules/axe-core/axe.min.js ] && exit 0
in_ci=false; [ "${CI:-}" = "true" ] && in_ci=true
if ! command -v npm >/dev/null 2>&1; then
  if $in_ci; then echo "error: npm is missing; CI needs it for the accessibility tests (apt-get install npm)" >&2; exit 1; fi
  echo "note: npm is missing, so the accessibility (axe-core) tests will be skipped (install Node.js and npm to run them)" >&2
  exit 0
fi
printf '\n==> %s\n' "Installing axe-core for the accessibility tests (npm ci in tests/e2e)"
if npm ci --no-audit --no-fund; then exit 0; fi
if $in_ci; then echo "error: npm ci failed (above); CI needs axe-core for the accessibility tests" >&2; exit 1; fi
echo "note: npm ci failed (above), so the accessibility (axe-core) tests will be skipped;" \
     "fix npm's registry access (npm config get registry) and run make test again to include them" >&2
exit 0
