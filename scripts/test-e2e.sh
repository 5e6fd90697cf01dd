#!/usr/bin/env bash
# End-to-end tests of the drop-in through the demo storefront (tests/e2e,
# Playwright project `e2e`, Debian's Chromium). Needs a backend started with
# `--demo www/dist`: when PAYSESSION_DEMO_URL is not set (standalone, or under
# scripts/test.sh whose server has no demo) it starts its own through
# scripts/with-server.sh (free port, temp database). Builds the SDK and the demo
# first when they are missing or older than their sources, and the React example
# (packages/react/build.mjs), which Playwright's static server serves.
# Extra arguments go to `playwright test` (e.g. a file or -g PATTERN).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-stale.sh
# The React package's example shop (tests/e2e/react.spec.mjs; nothing when fresh).
node packages/react/build.mjs

if [ -z "${PAYSESSION_DEMO_URL:-}" ]; then
  export PAYSESSION_SERVER_ARGS="--demo www/dist"
  # with-server.sh exports PAYSESSION_API for the server it started.
  exec bash scripts/with-server.sh bash -c 'PAYSESSION_DEMO_URL=$PAYSESSION_API exec bash "$0" "$@"' "$0" "$@"
fi
mkdir -p artifacts/e2e .tmp
export TMPDIR=${TMPDIR_PLAYWRIGHT:-$PWD/.tmp}
echo "test-e2e: demo at $PAYSESSION_DEMO_URL"
exec npx playwright test --project=e2e "$@"
