#!/usr/bin/env bash
# Builds the SDK (scripts/build-sdk.sh) and the demo shop (scripts/build-demo.sh)
# when they are missing or older than their sources: the one staleness rule of
# the layers that serve the demo (scripts/test-e2e.sh, scripts/test-engines.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
newer() { [ -n "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]; }
target=pkg/paysession_bg.wasm
if [ ! -f "$target" ] || [ ! -f pkg-web/paysession_bg.wasm ] || newer src crates/core/src Cargo.toml; then
  bash scripts/build-sdk.sh
fi
target=www/dist/index.html
if [ ! -f "$target" ] || newer www/src www/index.html webpack.config.js pkg/paysession_bg.wasm; then
  bash scripts/build-demo.sh
fi
