#!/usr/bin/env bash
# Smoke of the benchmark harness, run by `npm test` through scripts/with-server.sh
# (PAYSESSION_API names the running debug backend): every measurement of
# `npm run bench` once at toy sizes (one load each, a few iterations, 1 s load
# runs). Prints the figures; asserts only that each produced a number.
# Output: node's test runner ("# pass N", "# fail N").
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PAYSESSION_API:?run me through scripts/with-server.sh}"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench-smoke: installing wrk with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
  else
    echo "bench-smoke: wrk is missing (apt-get install wrk)" >&2; exit 1
  fi
fi
stamp=bench/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ bench/package.json -nt "$stamp" ] || [ bench/package-lock.json -nt "$stamp" ]; then
  echo "bench-smoke: installing the benchmark-only npm packages (bench/)"
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
if [ ! -f pkg/paysession_bg.wasm ]; then
  echo "bench-smoke: building the SDK"
  bash scripts/build-sdk.sh
fi
started=$(date +%s)
status=0
node --test --test-reporter=tap bench/smoke.test.mjs || status=$?
echo "bench-smoke: $(( $(date +%s) - started )) s"
exit $status
