#!/usr/bin/env bash
# The plan overview under load: starts BINARY serve --demo on PORT, signs in as duchaban, warms up
# 5 s, then runs wrk (-t2 -c16 -d10s --latency) on the overview three times and prints req/s and p99.
# Then each further PATH given, signed in the same way, one 10 s run each.
# Usage: Scripts/bench-overview.sh [luoshi binary] [port] [path …]   (a release build; needs wrk)
set -uo pipefail
BIN=${1:-.build-release/release/luoshi}; PORT=${2:-8093}; shift 2 2>/dev/null || shift $#
D=$(mktemp -d); J=$D/cookies
"$BIN" serve --demo --port "$PORT" --data "$D/data" >"$D/server.log" 2>&1 &
APP=$!; trap 'kill $APP 2>/dev/null; rm -rf "$D"' EXIT
B=http://127.0.0.1:$PORT
for _ in $(seq 1 60); do curl -sf "$B/healthz" >/dev/null && break; sleep 0.5; done
T=$(curl -s -c "$J" -b "$J" "$B/login" | grep -o 'name="_csrf" value="[^"]*"' | sed -n '1s/.*value="//;1s/"//;1p')
curl -s -c "$J" -b "$J" -o /dev/null -d "_csrf=$T&username=duchaban&password=luoshi2015" "$B/login"
SID=$(grep luoshi-session "$J" | awk '{print $7}')
P=$(curl -s -b "$J" "$B/" -o /dev/null -w "%{redirect_url}")
curl -s -o /dev/null -w "overview %{http_code}, %{size_download} bytes\n" -H "Cookie: luoshi-session=$SID" "$P"
wrk -t2 -c16 -d5s -H "Cookie: luoshi-session=$SID" "$P" >/dev/null
for _ in 1 2 3; do wrk -t2 -c16 -d10s --latency -H "Cookie: luoshi-session=$SID" "$P" | grep -E "Requests/sec|99%" | tr -s " \n" " "; echo; done
for path in "$@"; do
    curl -s -o /dev/null -w "$path %{http_code}, %{size_download} bytes: " -H "Cookie: luoshi-session=$SID" "$B$path"
    wrk -t2 -c16 -d10s --latency -H "Cookie: luoshi-session=$SID" "$B$path" | grep -E "Requests/sec|99%" | tr -s " \n" " "; echo
done
