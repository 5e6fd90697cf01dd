#!/usr/bin/env bash
# Usage: scripts/with-server.sh CMD [ARGS...]
# Builds and starts the session backend on a free loopback port with a fresh
# database, exports PAYSESSION_API=http://127.0.0.1:PORT, runs CMD, then stops
# the server. Exits with CMD's status. Extra server flags: PAYSESSION_SERVER_ARGS.
# The secure card fields' origin runs on a second free port (a distinct origin
# from the API and from the test pages); its URL is exported as PAYSESSION_FIELDS.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PAYSESSION_PROFILE:-debug}
bash scripts/build-server.sh "$profile"
bin=${CARGO_TARGET_DIR:-target}/$profile/paysession-server

# Rate limits (docs/API.md §5.12): the tests and the benchmark send many
# thousands of public-key requests and demo checkouts from 127.0.0.1, so the
# limits are raised far beyond anything they reach; the limiter still runs and
# counts every such request, so the benchmark includes its cost. A caller's own
# values (these variables, or flags in PAYSESSION_SERVER_ARGS) win.
export PAYSESSION_RATE_LIMIT_PUBLIC=${PAYSESSION_RATE_LIMIT_PUBLIC:-1000000000/s}
export PAYSESSION_RATE_LIMIT_DEMO_CHECKOUT=${PAYSESSION_RATE_LIMIT_DEMO_CHECKOUT:-1000000000/s}
# Webhook endpoints on loopback only: the contract layer's fuzzer registers URLs.
export PAYSESSION_WEBHOOK_LOOPBACK_ONLY=${PAYSESSION_WEBHOOK_LOOPBACK_ONLY:-true}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/paysession-server.XXXXXX")
log=$scratch/server.log
# PAYSESSION_FIELDS_HOST=localhost puts the fields origin on another site than
# the pages and the API (all 127.0.0.1), as in production (fields.pay.example
# beside shop.example): the browser then runs the card frames in a process of
# their own (site isolation). The bench uses it; the tests keep one site.
fields_args=(--fields-listen 127.0.0.1:0)
if [ -n "${PAYSESSION_FIELDS_HOST:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  fields_args=(--fields-listen "127.0.0.1:$port" --fields-url "http://$PAYSESSION_FIELDS_HOST:$port")
fi
# shellcheck disable=SC2086
"$bin" --listen 127.0.0.1:0 "${fields_args[@]}" --database "sqlite://$scratch/paysession.db" ${PAYSESSION_SERVER_ARGS:-} >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT INT TERM

url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n1)
  fields=$(sed -n 's/^fields on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n1)
  [ -n "$url" ] && [ -n "$fields" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "with-server: the server exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "with-server: the server did not start in 30 s" >&2; cat "$log" >&2; exit 1; }
export PAYSESSION_API=$url PAYSESSION_FIELDS=$fields PAYSESSION_SERVER_BIN=$bin
echo "with-server: backend at $url, fields at $fields"
set +e
"$@"
status=$?
set -e
if [ $status -ne 0 ] && [ -s "$log" ]; then echo "with-server: last server log lines:"; tail -n 20 "$log"; fi
exit $status
