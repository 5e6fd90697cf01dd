#!/usr/bin/env bash
# Mutation testing of core's rule modules with cargo-mutants (slow: minutes to
# an hour; not part of `npm test`). Installs cargo-mutants into .tools when
# missing. Extra arguments go to cargo mutants; with a --file (e.g.
# --file crates/core/src/iban.rs) only that module is mutated, else every rule
# module below. PAYSESSION_MUTANTS_JOBS sets -j (default 1).
# Each surviving ("missed") mutant is a change to a rule no core test notices:
# cargo mutants exits 2 when any is missed; the list is in
# ${CARGO_TARGET_DIR:-target}/mutants/mutants.out/missed.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH=$ROOT/.tools/bin:$PATH
command -v cargo-mutants >/dev/null || cargo install -q cargo-mutants --locked --root "$ROOT/.tools"
files=()
case " $* " in
  *" --file "* | *" --file="* | *" -f "*) ;;
  *)
  for f in card iban money country state methods email http_url fields gift_card owner; do
    files+=(--file "crates/core/src/$f.rs")
  done ;;
esac
# cargo-mutants writes mutants.out/ inside --output, which must exist already.
out=${CARGO_TARGET_DIR:-$ROOT/target}/mutants
mkdir -p "$out"
exec cargo mutants -p paysession-core -j "${PAYSESSION_MUTANTS_JOBS:-1}" --timeout 60 \
  --output "$out" "${files[@]}" "$@"
