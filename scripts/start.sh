#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the SDK and the demo, and starts
# the session backend with the demo storefront on http://127.0.0.1:8080.
# Needs only Rust and Node as a normal user: no browser, no wrk, no benchmark
# packages, no root (scripts/setup.sh --for start). An SDK over its size budget
# is a warning here; `npm test` fails on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for start
bash scripts/build-sdk.sh
bash scripts/build-demo.sh
# The secure card fields (the drop-in's card form) come from a second origin.
demo=(--demo www/dist --fields-listen "${PAYSESSION_FIELDS_LISTEN:-127.0.0.1:8081}")
cargo build --release -q -p paysession-server
cat <<'MSG'

paysession demo: open http://127.0.0.1:8080
Test cards (any future expiry, any security code of the right length):
  4242 4242 4242 4242   Visa, succeeds
  5555 5555 5555 4444   Mastercard, succeeds
  3782 822463 10005     American Express, succeeds (4-digit code)
  4000 0000 0000 0002   declined
  5454 5454 5454 5454   3-D Secure challenge in EEA/UK sessions (password: password)
  Gift card 6000 0000 0000 0001, PIN 1234 (balance 5.00)
Stop with Ctrl+C.
MSG
exec "${CARGO_TARGET_DIR:-target}/release/paysession-server" --listen "${PAYSESSION_LISTEN:-127.0.0.1:8080}" \
  --database "${PAYSESSION_DATABASE:-sqlite://paysession.db}" "${demo[@]}"
