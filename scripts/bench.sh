#!/usr/bin/env bash
# `npm run bench`: paysession against the drop-ins a storefront would pick
# instead, side by side in one run; writes docs/BENCHMARKS.md.
#   1. installs what is missing (scripts/setup.sh: among the rest, wrk and the
#      benchmark-only npm packages under bench/)
#   2. builds the SDK (scripts/build-sdk.sh) when pkg/ is missing or older than
#      the sources, and the release backend
#   3. starts the release backend on 127.0.0.1 with a fresh temporary database
#      (scripts/with-server.sh)
#   4. node bench/run.mjs: sizes, time to ready, createSource overhead, memory,
#      backend under load; prints every figure and writes the report
# Extra arguments go to bench/run.mjs (e.g. `npm run bench -- --loads 5`).
# Everything it starts (server, browsers, wrk) ends with it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export TMPDIR=${PAYSESSION_TMP:-$ROOT/.tmp}
mkdir -p "$TMPDIR"
say() { echo "bench: $*"; }
started=$(date +%s)

bash scripts/setup.sh

# The SDK: rebuilt when pkg/ is missing or older than anything it is built from.
if [ ! -f pkg/paysession_bg.wasm ] || [ -n "$(find src crates/core Cargo.toml Cargo.lock -newer pkg/paysession_bg.wasm -print -quit)" ]; then
  say "building the SDK (scripts/build-sdk.sh)"
  if ! bash scripts/build-sdk.sh; then
    [ -f pkg/paysession_bg.wasm ] || { echo "bench: the SDK build failed and pkg/ is missing" >&2; exit 1; }
    say "WARNING: the SDK build failed (or is over its size budget); measuring pkg/ as it is"
  fi
fi

# The release backend on 127.0.0.1 with a fresh database (scripts/with-server.sh
# builds it, exports PAYSESSION_API and stops it afterwards).
status=0
PAYSESSION_FIELDS_HOST=${PAYSESSION_FIELDS_HOST-localhost} PAYSESSION_PROFILE=release bash scripts/with-server.sh \
  node bench/run.mjs --report docs/BENCHMARKS.md --json bench/out/results.json "$@" || status=$?
say "done in $(( $(date +%s) - started )) s"
exit $status
