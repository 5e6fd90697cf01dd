#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test layer that exists:
#   1. native cargo tests (core, server, SDK logic)
#   2. browser tests of the SDK (scripts/test-browser.sh) against a real backend
#   3. end-to-end tests of the drop-in and demo (scripts/test-e2e.sh)
#   4. a smoke run of the benchmark harness (scripts/test-bench-smoke.sh)
# Ends with one line "tests: N passed, N failed", the sum of every runner's counts
# (a layer that fails without reporting counts adds one failure).
set -uo pipefail
cd "$(dirname "$0")/.."
export TMPDIR=${PAYSESSION_TMP:-$PWD/.tmp}
mkdir -p "$TMPDIR"
bash scripts/setup.sh || exit 1

logs=$(mktemp -d "$TMPDIR/paysession-logs.XXXXXX")
total_pass=0; total_fail=0; failures=()

# Counts from cargo ("test result: ok. N passed; M failed"), Playwright ("N passed (…)",
# "N failed") and node's runner ("# pass N", "# fail N").
count() {
  sed -E 's/\x1b\[[0-9;]*m//g' "$1" | awk '
    /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
    /^ *[0-9]+ passed \(/ { p += $1 }
    /^ *[0-9]+ failed$/ || /^ *[0-9]+ failed \(/ { f += $1 }
    /^# pass [0-9]+$/ { p += $3 } /^# fail [0-9]+$/ { f += $3 }
    END { printf "%d %d\n", p, f }'
}

layer() {
  local name=$1; shift
  local log="$logs/${name// /-}.log"
  echo; echo "=== $name ==="
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  read -r p f < <(count "$log")
  if [ "$status" -ne 0 ]; then
    failures+=("$name")
    [ "$f" -eq 0 ] && f=1
  fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}

layer "native cargo tests" cargo test --workspace
for l in browser e2e bench-smoke; do
  [ -f "scripts/test-$l.sh" ] && layer "$l tests" bash scripts/with-server.sh bash "scripts/test-$l.sh"
done
[ -f scripts/test-crash.sh ] && layer "crash tests" bash scripts/test-crash.sh
rm -rf "$logs" "$TMPDIR"/paysession-* 2>/dev/null

echo
[ ${#failures[@]} -gt 0 ] && echo "failed layers: ${failures[*]}"
echo "tests: $total_pass passed, $total_fail failed"
[ ${#failures[@]} -eq 0 ]
