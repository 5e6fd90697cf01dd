#!/usr/bin/env bash
# Builds the demo storefront (www/) with webpack into www/dist, importing the SDK
# from pkg/ (run scripts/build-sdk.sh first; `npm start` does both).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/paysession.js ] || bash scripts/build-sdk.sh
npx webpack --config webpack.config.js --mode production --no-stats
echo "demo: built www/dist ($(du -sh www/dist | cut -f1))"
