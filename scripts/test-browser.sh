#!/usr/bin/env bash
# The SDK's browser tests: Playwright in Debian's Chromium against pkg-web/
# and a real backend. Uses PAYSESSION_API when set (scripts/with-server.sh
# exports it); otherwise starts the backend itself through with-server.sh.
# Builds pkg-web/ first when it is missing or older than the SDK's sources, then
# packages/react (the React package and its test harness, tests/browser/react.spec.mjs).
# Extra arguments go to `playwright test` (e.g. a file or -g PATTERN).
set -euo pipefail
cd "$(dirname "$0")/.."

stale=0
if [ ! -f pkg-web/paysession_bg.wasm ]; then
  stale=1
elif [ -n "$(find src crates/core/src Cargo.toml -newer pkg-web/paysession_bg.wasm -print -quit)" ]; then
  stale=1
fi
[ "$stale" = 1 ] && bash scripts/build-sdk.sh
# The React package, its example and its test harness (packages/react; nothing when fresh).
node packages/react/build.mjs

if [ -z "${PAYSESSION_API:-}" ]; then
  exec bash scripts/with-server.sh bash "$0" "$@"
fi

mkdir -p artifacts .tmp
export TMPDIR=${TMPDIR_PLAYWRIGHT:-$PWD/.tmp}
echo "test-browser: backend $PAYSESSION_API"
# Two workers, in CI too (the config's default there is one): the browser
# layer is the suite's longest (its tests, 217 then, took 9.0 min of Playwright with
# one worker and 8.5 with two in a fresh clone's `CI=true npm test`: they are
# CPU-bound on two cores), and they have run two at a time in every local
# run since the first.
exec npx playwright test --project=browser --workers=2 "$@"
