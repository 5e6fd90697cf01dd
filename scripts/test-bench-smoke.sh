#!/usr/bin/env bash
# Smoke of the benchmark harness, run by `npm test` through scripts/with-server.sh
# (PAYSESSION_API names the running debug backend): every measurement of
# `npm run bench` once at toy sizes (one load each, a few iterations, 1 s load
# runs). Prints the figures; asserts only that each produced a number.
# Output: node's test runner ("# pass N", "# fail N").
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PAYSESSION_API:?run me through scripts/with-server.sh}"

if [ ! -f pkg/paysession_bg.wasm ]; then
  echo "bench-smoke: building the SDK"
  bash scripts/build-sdk.sh
fi
started=$(date +%s)
status=0
node --test --test-reporter=tap bench/smoke.test.mjs bench/package.test.mjs bench/cls.test.mjs || status=$?
echo "bench-smoke: $(( $(date +%s) - started )) s"
exit $status
