#!/usr/bin/env bash
# Crash harness (issue 8, exactly-once money), a layer of `npm test`: builds the
# release backend and runs scripts/crash-harness.mjs against it. The harness
# drives 16 concurrent clients through idempotent money writes (session, card
# source, attach, order), SIGKILLs the server at random moments (10 cycles),
# restarts it on the same SQLite database, retries every unanswered request
# with its original Idempotency-Key and body, then counts acknowledged writes
# lost, duplicates created (sessions per reference, card sources per session,
# orders per session), events recorded other than once per change (the outbox)
# and writes answered an error. Fails on anything but 0.
# Output: node's test runner style ("# pass N", "# fail N").
# Env: CRASH_CLIENTS, CRASH_CYCLES, CRASH_SEED, CRASH_KEEP=1, CRASH_SERVER_ARGS (see the .mjs header).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p paysession-server
bin=${CARGO_TARGET_DIR:-target}/release/paysession-server
started=$(date +%s)
status=0
node scripts/crash-harness.mjs --server "$bin" "$@" || status=$?
echo "crash: $(( $(date +%s) - started )) s"
exit $status
