#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test layer:
#   0. the layer check (scripts/check-layers.mjs: no import circle, no upward import;
#      under a second) and the install check (scripts/check-install.mjs: every npm
#      script installs what it needs before it uses a tool; a tenth of a second)
#   1. native cargo tests (core, server, SDK logic; the store conformance suite and the
#      multi-instance tests on a throwaway PostgreSQL cluster, scripts/pg.sh)
#   1b. the server's integration suite again, on PostgreSQL
#   2. the SDK's build and its size budget (scripts/build-sdk.sh --strict: over budget fails)
#   3. browser tests of the SDK (scripts/test-browser.sh) against a real backend
#   4. end-to-end tests of the drop-in and demo (scripts/test-e2e.sh)
#   4b. Firefox ESR and WebKit (WebKitGTK): a named subset, each feature once
#      (scripts/test-engines.sh firefox|webkit, tests/engines/)
#   5. a smoke run of the benchmark harness (scripts/test-bench-smoke.sh)
#   6. the crash harness (scripts/test-crash.sh)
#   7. the published contract: Schemathesis against the live server's OpenAPI document
#      (scripts/test-contract.sh)
# A layer whose script is missing is a failed layer, never a skipped one.
# Ends with one line "tests: N passed, N failed", the sum of every runner's counts
# (a layer that fails without reporting counts adds one failure).
set -uo pipefail
cd "$(dirname "$0")/.."
export TMPDIR=${PAYSESSION_TMP:-$PWD/.tmp}
mkdir -p "$TMPDIR"
bash scripts/setup.sh --for test || exit 1

logs=$(mktemp -d "$TMPDIR/paysession-logs.XXXXXX")
total_pass=0; total_fail=0; failures=(); timings=()

# Counts from cargo ("test result: ok. N passed; M failed"), Playwright ("N passed (…)",
# "N failed"), node's runner ("# pass N", "# fail N") and the contract layer
# ("contract: N passed, N failed").
count() {
  sed -E 's/\x1b\[[0-9;]*m//g' "$1" | awk '
    /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
    /^ *[0-9]+ passed \(/ { p += $1 }
    /^ *[0-9]+ failed$/ || /^ *[0-9]+ failed \(/ { f += $1 }
    /^# pass [0-9]+$/ { p += $3 } /^# fail [0-9]+$/ { f += $3 }
    /^contract: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
    END { printf "%d %d\n", p, f }'
}

layer() {
  local name=$1; shift
  local log="$logs/${name// /-}.log" started=$SECONDS
  echo; echo "=== $name ==="
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  timings+=("$name $((SECONDS - started)) s")
  read -r p f < <(count "$log")
  if [ "$status" -ne 0 ]; then
    failures+=("$name")
    [ "$f" -eq 0 ] && f=1
  fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}

# A layer that runs a script; a missing script fails the layer loudly.
script_layer() {
  local name=$1 script=$2; shift 2
  if [ -f "$script" ]; then
    layer "$name" "$@"
  else
    echo; echo "=== $name ==="
    echo "test: FAILED: $script is missing, so the $name layer cannot run"
    failures+=("$name (missing $script)")
    total_fail=$((total_fail + 1))
  fi
}

# A throwaway PostgreSQL cluster for the second store engine, stopped at the end.
pgdir=$TMPDIR/pg.$$
trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
if pg_url=$(bash scripts/pg.sh start "$pgdir"); then
  export PAYSESSION_TEST_DATABASE=$pg_url PAYSESSION_REQUIRE_PG=1
else
  echo "test: FAILED: no PostgreSQL cluster (scripts/pg.sh start)"
  failures+=("PostgreSQL cluster"); total_fail=$((total_fail + 1))
fi

script_layer "layer check" scripts/check-layers.mjs node scripts/check-layers.mjs
script_layer "install check" scripts/check-install.mjs node scripts/check-install.mjs
layer "native cargo tests" cargo test --workspace
# The server's integration suite again, on PostgreSQL: the very test binary
# the layer before built, run as cargo runs it (from its package's folder).
# `cargo test -p paysession-server --test api` resolved features apart from
# the workspace's and built every crate a second time (110 s on two cores).
server_api_on_pg() {
  local exe
  exe=$(cargo test --workspace --no-run --message-format=json 2>/dev/null | node -e '
    let out = "";
    require("readline").createInterface({ input: process.stdin }).on("line", (l) => {
      try {
        const m = JSON.parse(l);
        if (m.reason === "compiler-artifact" && m.executable && m.target.name === "api" && /paysession-server/.test(m.package_id)) out = m.executable;
      } catch {}
    }).on("close", () => console.log(out));')
  [ -x "$exe" ] || { echo "test: no test binary of paysession-server's api suite (cargo test --workspace --no-run)"; return 1; }
  (cd crates/server && PAYSESSION_TEST_ENGINE=postgres "$exe")
}
layer "server tests on PostgreSQL" server_api_on_pg
script_layer "SDK size budget" scripts/build-sdk.sh bash scripts/build-sdk.sh --strict
for l in browser e2e bench-smoke; do
  script_layer "$l tests" "scripts/test-$l.sh" bash scripts/with-server.sh bash "scripts/test-$l.sh"
done
# The other engines, each feature once (Chromium ran the full suites above); each
# starts its own backend with the demo.
for e in firefox webkit; do
  script_layer "$e tests" scripts/test-engines.sh bash scripts/test-engines.sh "$e"
done
script_layer "crash tests" scripts/test-crash.sh bash scripts/test-crash.sh
script_layer "contract tests" scripts/test-contract.sh bash scripts/with-server.sh bash scripts/test-contract.sh
rm -rf "$logs" "$TMPDIR"/paysession-* 2>/dev/null

echo
# Where the suite's time goes (it must stay under 30 minutes on 2 cores).
echo "layer times: $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g'); all: $SECONDS s"
[ ${#failures[@]} -gt 0 ] && echo "failed layers: ${failures[*]}"
echo "tests: $total_pass passed, $total_fail failed"
[ ${#failures[@]} -eq 0 ]
