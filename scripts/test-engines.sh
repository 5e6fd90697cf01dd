#!/usr/bin/env bash
# The Firefox and WebKit layers: the named subset of tests/engines/scenarios.mjs
# (each feature once; Chromium runs the full suites) in one engine:
#   scripts/test-engines.sh firefox|webkit [NAME-SUBSTRING]
# Firefox ESR (Debian's firefox-esr) over WebDriver BiDi with puppeteer-core;
# WebKitGTK's MiniBrowser through WebKitWebDriver (webkit2gtk-driver) on Xvfb.
# Both installed by scripts/setup.sh, never downloaded builds. Needs a backend
# started with `--demo www/dist`: starts its own through scripts/with-server.sh
# (free port, temp database) unless PAYSESSION_ENGINES_SERVER=1 says the one in
# PAYSESSION_API has it. Builds the SDK and the demo first when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-}
case "$engine" in firefox|webkit) ;; *) echo "usage: scripts/test-engines.sh firefox|webkit [name]" >&2; exit 2 ;; esac

bash scripts/build-stale.sh

if [ -z "${PAYSESSION_ENGINES_SERVER:-}" ]; then
  export PAYSESSION_SERVER_ARGS="--demo www/dist" PAYSESSION_ENGINES_SERVER=1
  exec bash scripts/with-server.sh bash "$0" "$@"
fi
mkdir -p artifacts .tmp
export TMPDIR=${TMPDIR_PLAYWRIGHT:-$PWD/.tmp}
echo "test-engines: $engine against $PAYSESSION_API"
exec node --test-reporter=tap tests/engines/run.mjs "$@"
