#!/usr/bin/env bash
# The published contract: Schemathesis (PyPI, pinned in scripts/setup.sh, installed in
# .tools/venv) against the live server's own `GET /v1/openapi.json`, every phase:
#   examples  the document's examples, sent as they are
#   coverage  boundary values of every parameter and property, valid and invalid
#   fuzzing   generated requests, valid and invalid (`--max-examples` per operation)
#   stateful  chains along the document's OpenAPI links (create session → create source →
#             attach → order, ...)
# with every check (5xx, documented statuses, response schemas and headers, schema-invalid
# requests accepted, schema-valid requests refused, ...). Run through scripts/with-server.sh
# (PAYSESSION_API is the server). The test merchant's keys are config.rs's built-in
# `pk_test_default` / `sk_test_default`, given per security scheme of the document.
# The seed is fixed so a run is reproducible; PAYSESSION_CONTRACT_SEED picks another, and
# PAYSESSION_CONTRACT_EXAMPLES the cases per operation and phase (default 25);
# PAYSESSION_CONTRACT_STATEFUL the stateful phase's (default 60);
# PAYSESSION_CONTRACT_REPORT=DIR keeps the JUnit and NDJSON reports there.
# Ends with "contract: N passed, N failed" (one test per operation, plus the stateful run)
# and the number of cases per phase.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PAYSESSION_API:?run me through scripts/with-server.sh (PAYSESSION_API is the server)}"
st=$PWD/.tools/venv/bin/st
if [ ! -x "$st" ]; then
  echo "test-contract: $st is missing: run scripts/setup.sh --for test"
  echo "contract: 0 passed, 1 failed"
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/paysession-contract.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The server counts a text's length in UTF-16 code units, as the SDK's JavaScript does
# (core's owner.rs); JSON Schema's maxLength counts code points. The two agree on text of
# the Basic Multilingual Plane, so generated bodies keep to it: a character beyond it
# (an emoji, two UTF-16 units) is sent as U+FFFD. (The Rust tests cover those lengths.)
cat >"$work/hooks.py" <<'EOF'
import schemathesis


def _bmp(v):
    if isinstance(v, str):
        return "".join(c if ord(c) <= 0xFFFF else "\ufffd" for c in v)
    if isinstance(v, dict):
        return {_bmp(k): _bmp(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_bmp(x) for x in v]
    return v


@schemathesis.hook
def map_body(context, body):
    return _bmp(body)
EOF

# Keys per security scheme of the document (components.securitySchemes). The
# positive-data check counts a 400 as "valid data refused"; the operations listed below
# also answer 400 to well-formed requests for reasons no schema can state (the session's
# or source's state: expired, complete, not funded, not chargeable; a card number's
# Luhn digit, an IBAN's checksum, an expiry in the past, a redirect URL outside the
# merchant's origins), each with its own code (docs/API.md §errors). For them alone a
# 400 of such a code passes that check; a 5xx, an undocumented status or a body off the
# schema still fails, as does a 400 anywhere else.
cat >"$work/schemathesis.toml" <<EOF
hooks = "$work/hooks.py"

[auth.openapi.secretKey]
bearer = "sk_test_default"
[auth.openapi.publicKey]
bearer = "pk_test_default"
[auth.openapi.publicKeyInQuery]
api_key = "pk_test_default"

# The stateful phase follows the document's own links (not links it would infer), with
# more cases than the other phases: its chains are what reach attach and order.
[phases.stateful]
inference = { algorithms = [] }
[phases.stateful.generation]
max-examples = ${PAYSESSION_CONTRACT_STATEFUL:-60}

[[operations]]
include-operation-id = [
  "updateSessionFields",  # card: Luhn digit, brand length, expiry in the past
  "createSource",         # the same, IBAN checksum, test gift cards, redirect origins, session state
  "attachSource",         # source_state_invalid: a source not chargeable (pending redirect, ...)
  "savePaymentMethod",    # no customer on the session, a source not chargeable or saved already
  "removeSessionPaymentMethod", # no customer on the session
  "authenticateSource",   # a source with nothing to authenticate
  "createOrder",          # order_submit_failed: the session is not funded
  "issueTestWalletToken", # the amount is not what the session still needs
  "listEvents",           # startingAfter: a well-formed id that is not one of the merchant's events
  "createWebhookEndpoint", # a URL neither https nor loopback (loopback only on test servers), the 16-endpoint cap
  "listWebhookDeliveries", # startingAfter: a well-formed id that is not one of the endpoint's deliveries
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
EOF

seed=${PAYSESSION_CONTRACT_SEED:-20261206}
examples=${PAYSESSION_CONTRACT_EXAMPLES:-25}
report=${PAYSESSION_CONTRACT_REPORT:-$work/report}
rm -f "$report"/junit-*.xml "$report"/ndjson-*.ndjson
set +e
# From the scratch directory: Schemathesis keeps a cache (.schemathesis/) in its working directory.
cd "$work"
"$st" --config-file "$work/schemathesis.toml" --no-color run "$PAYSESSION_API/v1/openapi.json" \
  --phases examples,coverage,fuzzing,stateful \
  --checks all \
  --max-examples "$examples" \
  --seed "$seed" \
  --workers 2 \
  --request-timeout 10 \
  --generation-database none \
  --warnings off \
  --report junit,ndjson --report-dir "$report"
status=$?
set -e

# One test per operation (and the stateful run), from the JUnit report; the cases per
# phase from the event stream.
python3 - "$report" "$status" <<'EOF'
import glob, json, sys, collections, xml.etree.ElementTree as ET
report, status = sys.argv[1], int(sys.argv[2])
passed = failed = 0
for f in glob.glob(f"{report}/junit-*.xml"):
    for case in ET.parse(f).getroot().iter("testcase"):
        bad = case.find("failure") is not None or case.find("error") is not None
        failed += bad
        passed += not bad
cases = collections.Counter()
for f in glob.glob(f"{report}/ndjson-*.ndjson"):
    for line in open(f):
        event = json.loads(line)
        x = event.get("ScenarioFinished")
        if x:
            cases[x["phase"]] += len(x["recorder"].get("interactions", {}))
print("contract: cases per phase: " + ", ".join(f"{p} {cases[p]}" for p in ("examples", "coverage", "fuzzing", "stateful")) + f" ({sum(cases.values())} in all)")
if status != 0 and failed == 0:
    failed = 1  # Schemathesis failed without a failing test (an error loading the document, ...)
print(f"contract: {passed} passed, {failed} failed")
EOF
exit $status
