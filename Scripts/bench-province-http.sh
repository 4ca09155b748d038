#!/usr/bin/env bash
# The province of `luoshi bench province` as a county or province would run it: two `luoshi serve` on one
# PostgreSQL database behind nginx (Deploy/nginx-luoshi.conf with both in its upstream), every request over
# TCP. The bench fills the database and writes the offices' and reporters' tokens (--http-plan); both servers
# start with their clocks on the day of the pass, so the one that takes the supervision lease runs the
# province's full pass as it boots. Beside it, one client files reports through nginx, one after another,
# and another opens a town's overview and a county's roll-up; both go on after the pass, for the pages at
# rest. Prints each server's pass line, the latencies during and after, and each server's peak memory.
# Usage: DATABASE_URL=postgres://… Scripts/bench-province-http.sh [luoshi binary] [towns] [items]
#   (an empty database; a release build; needs nginx and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build-release/release/luoshi}
TOWNS=${2:-1200}
ITEMS=${3:-300}
AT=${LUOSHI_BENCH_AT:-2015-06-28}
PORT_A=${LUOSHI_BENCH_PORT_A:-18121}
PORT_B=${LUOSHI_BENCH_PORT_B:-18122}
PROXY=${LUOSHI_BENCH_PROXY:-18120}
: "${DATABASE_URL:?set DATABASE_URL to an empty PostgreSQL database}"
command -v nginx >/dev/null || { echo "nginx is needed (apt-get install nginx-light)"; exit 1; }
T=$(mktemp -d)
chmod 755 "$T"
PIDS=()
trap 'kill ${PIDS[@]+"${PIDS[@]}"} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT

"$BIN" bench province --towns "$TOWNS" --items "$ITEMS" --at "$AT" --http-plan "$T/plan.json" --data "$T/gen"

# Both servers share the audit key and the evidence folder, as a deployment's app servers do.
head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n" >"$T/audit.key"
for port in "$PORT_A" "$PORT_B"; do
    mkdir -p "$T/$port"
    LUOSHI_AUDIT_KEY_FILE="$T/audit.key" LUOSHI_AUDIT_CHECKPOINT="$T/$port/checkpoints" LUOSHI_EVIDENCE_DIR="$T/evidence" \
        LUOSHI_TRUSTED_PROXIES=127.0.0.1 \
        "$BIN" serve --port "$port" --as-of "$AT" --data "$T/$port" >"$T/$port/server.log" 2>&1 &
    PIDS+=($!)
done
. Scripts/lib/nginx.sh
start_nginx "$T" "$PROXY" "127.0.0.1:$PORT_A" "127.0.0.1:$PORT_B" -- "s/limit_conn luoshi_conn 16;/limit_conn luoshi_conn 64;/"
PIDS+=("$NGINX_PID")

python3 - "$T" "$PROXY" "$PORT_A" "$PORT_B" "${PIDS[0]}" "${PIDS[1]}" <<'PY'
import http.client, json, os, sys, threading, time
tmp, proxy = sys.argv[1], int(sys.argv[2])
ports, pids = [int(p) for p in sys.argv[3:5]], sys.argv[5:7]
plan = json.load(open(os.path.join(tmp, "plan.json")))

def up(port):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/healthz")
        return c.getresponse().status == 200
    except OSError:
        return False

for port in ports + [proxy]:
    for _ in range(240):
        if up(port): break
        time.sleep(0.25)
    else:
        sys.exit(f"port {port} never answered")

def pass_lines():
    lines = []
    for port in ports:
        for line in open(os.path.join(tmp, str(port), "server.log"), errors="replace"):
            if "supervision pass" in line and "seconds" in line:
                lines.append(f"server :{port}: " + line.strip())
    return lines

done = threading.Event()
problems = []  # a thread cannot end the run: what went wrong is printed, and the run fails, at the end
results = {}  # (what, phase) -> [ms]
lock = threading.Lock()

def timed(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - start) * 1000, response.status

def record(what, ms):
    with lock:
        results.setdefault((what, "after" if done.is_set() else "during"), []).append(ms)

def filer():
    conn = http.client.HTTPConnection("127.0.0.1", proxy, timeout=120)
    after = 0
    for f in plan["filings"]:
        body = json.dumps({"period": plan["period"], "percentComplete": 60, "narrative": "推进中"})
        phase_after = done.is_set()
        ms, status = timed(conn, "POST", f"/api/v1/items/{f['item']}/reports", f["token"], body)
        if status != 201:
            problems.append(f"filing answered {status}")
            continue
        record("report filing", ms)
        if phase_after:
            after += 1
            if after >= 100: return

def reader():
    conn = http.client.HTTPConnection("127.0.0.1", proxy, timeout=120)
    after = 0
    while after < 40:
        phase_after = done.is_set()
        for what, path, token in [("town overview", plan["overview"], plan["town"]),
                                  ("county roll-up", plan["rollup"], plan["county"])]:
            ms, status = timed(conn, "GET", path, token)
            if status != 200:
                problems.append(f"{path} answered {status}")
                return
            record(what, ms)
        if phase_after: after += 1
        else: time.sleep(0.2)

threads = [threading.Thread(target=filer), threading.Thread(target=reader)]
for t in threads: t.start()
started = time.time()
while not pass_lines() and time.time() - started < 900:
    time.sleep(0.5)
done.set()
for t in threads: t.join()

for line in pass_lines(): print(line)
for (what, phase), ms in sorted(results.items()):
    s = sorted(ms)
    q = lambda p: s[min(len(s) - 1, int(len(s) * p))]
    print(f"{what}, {phase} the pass: p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {s[-1]:.1f} ms (n={len(s)})")
for port, pid in zip(ports, pids):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            print(f"server :{port} peak memory (VmHWM): {int(line.split()[1]) // 1024} MB")
for p in problems[:20]: print("FAIL " + p)
sys.exit(1 if problems else 0)
PY
