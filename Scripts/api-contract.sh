#!/usr/bin/env bash
# The JSON API against its own OpenAPI document: schemathesis (from PyPI, in a venv of its own)
# drives a real `luoshi serve --demo` over TCP with every check it has; any failure fails the run.
# Usage: Scripts/api-contract.sh [path to the luoshi binary]   (default .build/debug/luoshi)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/luoshi}
VENV=${SCHEMATHESIS_VENV:-/tmp/luoshi-schemathesis}
PORT=${LUOSHI_CONTRACT_PORT:-18099}
if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi
DATA=$(mktemp -d)
"$BIN" serve --demo --port "$PORT" --data "$DATA" >"$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
export LUOSHI_TOKEN=$(curl -sf -X POST "$BASE/api/v1/session" -H 'content-type: application/json' \
    -d '{"username":"duchaban","password":"luoshi2015"}' | json 'd["token"]')
auth=(-H "Authorization: Bearer $LUOSHI_TOKEN")
export LUOSHI_PLAN=$(curl -sf "${auth[@]}" "$BASE/api/v1/plans" | json '[p["id"] for p in d if p["status"]=="published"][0]')
export LUOSHI_ITEM=$(curl -sf "${auth[@]}" "$BASE/api/v1/plans/$LUOSHI_PLAN" | json '[i["id"] for i in d["items"] if i["kind"]=="target"][0]')
export LUOSHI_NOTICE=$(curl -sf "${auth[@]}" "$BASE/api/v1/notices" | json 'd[0]["id"]')
export LUOSHI_REPORT=$(curl -sf "${auth[@]}" "$BASE/api/v1/items/$LUOSHI_ITEM" | json '(d["reports"] or [{"id":"00000000-0000-0000-0000-000000000000"}])[-1]["id"]')
export LUOSHI_MESSAGE=$(curl -sf "${auth[@]}" "$BASE/api/v1/inbox" | json '(d["messages"] or [{"id":"00000000-0000-0000-0000-000000000000"}])[0]["id"]')

"$VENV/bin/schemathesis" --config-file Tests/api/schemathesis.toml run "$BASE/api/openapi.json" \
    --checks all --max-examples "${LUOSHI_CONTRACT_EXAMPLES:-30}" --seed 20151231 --no-color
