#!/usr/bin/env bash
# Crash harness (issue 8, exactly-once money), a layer of `npm test`: runs
# scripts/crash-harness.mjs against the backend of CRASH_PROFILE (default the
# debug build `npm test`'s cargo layers already made: a fresh clone's release
# build alone took 4.5 of the suite's 30 minutes, and a SIGKILL's effects do
# not depend on the optimizer; CRASH_PROFILE=release for the faster server,
# more writes per cycle). The harness
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
profile=${CRASH_PROFILE:-debug}
case $profile in
  release|debug) bash scripts/build-server.sh "$profile" ;;
  *) echo "test-crash: CRASH_PROFILE must be debug or release" >&2; exit 2 ;;
esac
bin=${CARGO_TARGET_DIR:-target}/$profile/paysession-server
started=$(date +%s)
status=0
node scripts/crash-harness.mjs --server "$bin" "$@" || status=$?
echo "crash: $(( $(date +%s) - started )) s"
exit $status
