#!/usr/bin/env bash
# Files reports against a running server while killing it with SIGKILL, then restarts it and checks
# that every report the server acknowledged (201) is in the database. Loopback only; bounded in time.
#
#   Scripts/kill-durability.sh [path/to/luoshi] [seconds-before-kill]
set -euo pipefail
BIN=${1:-.build/release/luoshi}
KILL_AFTER=${2:-4}
PORT=18095
DATA=$(mktemp -d)
ACKS=$(mktemp)
trap 'pkill -f "luoshi serve --demo --data $DATA" || true; rm -rf "$DATA" "$ACKS"' EXIT

start() {
    "$BIN" serve --demo --data "$DATA" --port "$PORT" >"$DATA/serve.log" 2>&1 &
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0; sleep 0.1; done
    echo "server did not start"; cat "$DATA/serve.log"; exit 1
}

start
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"dept1","password":"luoshi2015"}' \
    "http://127.0.0.1:$PORT/api/v1/session" | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
ITEM=$(python3 - "$DATA/demo/luoshi.sqlite" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("select a.item_id from assignments a join users u on u.organization_id = a.lead_unit_id "
                "where u.username = 'dept1' limit 1").fetchone()[0])
PY
)

# Eight writers on keep-alive connections (a load near the server's filing rate), each recording the
# ids the server acknowledged with 201, until the server is killed under them.
python3 - "$PORT" "$TOKEN" "$ITEM" "$ACKS" <<'PY' &
import http.client, json, sys, threading
port, token, item, acks = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
lock = threading.Lock()
out = open(acks, "a")
def writer(w):
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    n = 0
    while True:
        n += 1
        body = json.dumps({"period": "2015-W%02d" % ((w * 13 + n) % 52 + 1), "percentComplete": n % 100,
                           "narrative": "kill test %d-%d" % (w, n)})
        try:
            conn.request("POST", "/api/v1/items/%s/reports" % item, body,
                         {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
        except Exception:
            return
        if r.status == 201:
            with lock:
                out.write(json.loads(data)["id"] + "\n")
                out.flush()
threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
for t in threads: t.start()
for t in threads: t.join()
PY
sleep "$KILL_AFTER"
pkill -9 -f "luoshi serve --demo --data $DATA"
wait 2>/dev/null || true
ACKED=$(sort -u "$ACKS" | wc -l)

start
MISSING=$(python3 - "$DATA/demo/luoshi.sqlite" "$ACKS" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
stored = {r[0].upper() for r in c.execute("select id from progress_reports")}
acked = {l.strip().upper() for l in open(sys.argv[2]) if l.strip()}
print(len(acked - stored))
PY
)
echo "acknowledged before SIGKILL: $ACKED; missing after restart: $MISSING"
[ "$MISSING" = "0" ] && [ "$ACKED" -gt 0 ]
