#!/usr/bin/env bash
# The deployment of Deploy/nginx-luoshi.conf, attacked: nginx in front of a real `luoshi serve --demo`
# (trusting nginx's X-Forwarded-For), over TCP. Vapor's HTTP server has no deadline for a request's
# headers, so a public Luoshi sits behind this proxy; this run shows the proxy does its part:
# trickled headers and a stalled body are cut off, sign-in guesses are counted per client however
# the client spells X-Forwarded-For, and a 19 MB evidence upload streams through.
# Usage: Scripts/proxy-check.sh [path to the luoshi binary]   (default .build/debug/luoshi; needs nginx)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/luoshi}
APP_PORT=${LUOSHI_PROXY_APP_PORT:-18111}
PROXY_PORT=${LUOSHI_PROXY_PORT:-18112}
command -v nginx >/dev/null || { echo "nginx is needed (apt-get install nginx-light)"; exit 1; }
T=$(mktemp -d)
chmod 755 "$T"
LUOSHI_TRUSTED_PROXIES=127.0.0.1 "$BIN" serve --demo --port "$APP_PORT" --data "$T/data" >"$T/server.log" 2>&1 &
APP=$!
. Scripts/lib/nginx.sh
start_nginx "$T" "$PROXY_PORT" "127.0.0.1:$APP_PORT"
NGINX=$NGINX_PID
trap 'kill $APP $NGINX 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PROXY_PORT/healthz" >/dev/null && break; sleep 0.5; done

python3 - "$APP_PORT" "$PROXY_PORT" <<'PY'
import http.client, json, re, socket, sys, threading, time
app_port, proxy_port = int(sys.argv[1]), int(sys.argv[2])
failures = []

def expect(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok: failures.append(what)

def held_for(port, first, trickle, limit):
    """Seconds until the server closes a connection that sends `first`, then `trickle` every 2 s."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(2)
    start = time.time()
    s.sendall(first)
    while time.time() - start < limit:
        try:
            if s.recv(4096) == b"":
                break
        except socket.timeout:
            try:
                s.sendall(trickle)
            except OSError:
                break
        except OSError:
            break
    s.close()
    return time.time() - start

results = {}
def measure(name, *args):
    results[name] = held_for(*args)
threads = [
    threading.Thread(target=measure, args=("headers, direct", app_port, b"GET /healthz HTTP/1.1\r\nHost: a\r\n", b"X-A: b\r\n", 40)),
    threading.Thread(target=measure, args=("headers, nginx", proxy_port, b"GET /healthz HTTP/1.1\r\nHost: a\r\n", b"X-A: b\r\n", 40)),
    threading.Thread(target=measure, args=("body, nginx", proxy_port,
        b"POST /api/v1/session HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{", b"", 40)),
]
for t in threads: t.start()

def request(method, path, body=None, headers={}):
    c = http.client.HTTPConnection("127.0.0.1", proxy_port, timeout=60)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data

# Guesses through nginx, each with a new X-Forwarded-For of its own: still one client.
statuses = [request("POST", "/api/v1/session", json.dumps({"username": "fuzhen1", "password": "wrong"}),
                    {"Content-Type": "application/json", "X-Forwarded-For": f"198.51.100.{n}"})[0] for n in range(1, 7)]
expect(statuses == [401] * 5 + [429], f"sign-in guesses through nginx with spoofed X-Forwarded-For: {statuses}")

status, body = request("POST", "/api/v1/session", json.dumps({"username": "dept1", "password": "luoshi2015"}),
                       {"Content-Type": "application/json"})
token = json.loads(body)["token"]
_, page = request("GET", "/my", headers={"Authorization": f"Bearer {token}"})
item = re.search(rb"/items/([0-9A-Fa-f-]{36})", page).group(1).decode()
boundary = "luoshiproxycheck"
pdf = b"%PDF-1.4\n" + b"0" * (19 * 1024 * 1024) + b"\n%%EOF\n"
form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n2015-06\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"narrative\"\r\n\r\n经代理上报 (through the proxy)\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"big.pdf\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
start = time.time()
status, body = request("POST", f"/api/v1/items/{item}/reports", form,
                       {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
expect(status == 201, f"a 19 MB evidence upload through nginx: {status} in {time.time() - start:.1f} s {body[:200]!r}")

for t in threads: t.join()
print(f"trickled headers held directly by luoshi: {results['headers, direct']:.0f} s (observed up to 40 s)")
expect(results["headers, nginx"] < 15, f"trickled headers cut off by nginx after {results['headers, nginx']:.1f} s")
expect(results["body, nginx"] < 15, f"a stalled body cut off by nginx after {results['body, nginx']:.1f} s")
sys.exit(1 if failures else 0)
PY
