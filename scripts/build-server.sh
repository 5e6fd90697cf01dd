#!/usr/bin/env bash
# Builds the session backend for scripts that start one (with-server.sh,
# test-crash.sh):   scripts/build-server.sh debug|release
# release: `cargo build --release -p paysession-server` (the bench, the
# crash harness's release runs). debug: the binary `cargo test --workspace`
# builds for the server's integration tests (target/debug/paysession-server,
# their CARGO_BIN_EXE_paysession-server). `cargo build -p paysession-server`
# resolves features apart from the workspace's tests, so in `npm test` it
# built every crate a second time (90 s on two cores) after the native layer
# had built them; this is a no-op there. A first run on a fresh tree builds
# the workspace's tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  release) cargo build -q --release -p paysession-server ;;
  debug) cargo test -q --workspace --no-run ;;
  *) echo "usage: scripts/build-server.sh debug|release" >&2; exit 2 ;;
esac
