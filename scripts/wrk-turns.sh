#!/usr/bin/env bash
# Drives custom-channel turns of 5,000 distinct users with wrk (Debian
# package wrk) at `parley serve`, then at the bare net/http handler of
# parley-bench, and prints both rates and their ratio: the wrk rows of
# BENCHMARKS.md. Usage: scripts/wrk-turns.sh [PARLEY_BINARY] [SECONDS]
# PARLEY_SERVE_FLAGS adds flags to parley serve (--log-turns, say).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$tmp/parley
  go build -o "$bin" ./cmd/parley
fi
secs=${2:-8}
go build -o "$tmp/parley-bench" ./cmd/parley-bench
export PARLEY_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
export PARLEY_AUTH_TOKEN=wrk0123456789abcdef0123456789abcdef
auth=$(printf '%s:%s' "$PARLEY_ACCOUNT_SID" "$PARLEY_AUTH_TOKEN" | base64 -w0)
cat > "$tmp/schema.json" <<'JSON'
{"uniqueName": "bench", "friendlyName": "wrk assistant",
 "defaults": {"defaults": {"assistant_initiation": "task://greeting", "fallback": "task://greeting"}},
 "tasks": [{"uniqueName": "greeting",
   "actions": {"actions": [{"say": "Hello! This is the benchmark bot. How can I help?"}, {"listen": true}]},
   "samples": [{"language": "en-US", "taggedText": "hello"}, {"language": "en-US", "taggedText": "hi"}]}]}
JSON
cat > "$tmp/turn.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = "UserId=user" .. (n % 5000) .. "&Text=hello&Language=en-US"
  return wrk.format("POST", "/v2/$PARLEY_ACCOUNT_SID/bench/custom/bench",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = "Basic $auth"}, body)
end
LUA
rate() { # URL
  wrk -t2 -c64 -d"${secs}s" -s "$tmp/turn.lua" "$1" | tee "$tmp/wrk.out" >&2
  if grep -q "Non-2xx" "$tmp/wrk.out"; then echo "errors in the run" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out"
}
"$bin" serve --addr 127.0.0.1:18190 --data "$tmp/data" --import "$tmp/schema.json" --log-level error ${PARLEY_SERVE_FLAGS:-} >/dev/null 2>&1 &
sleep 3
parley=$(rate http://127.0.0.1:18190)
kill %1; wait %1 2>/dev/null || true
"$tmp/parley-bench" -serve-baseline 127.0.0.1:18191 >/dev/null 2>&1 &
sleep 1
bare=$(rate http://127.0.0.1:18191)
kill %2 2>/dev/null || true
awk -v p="$parley" -v b="$bare" 'BEGIN {printf "parley %.0f turns/s, bare %.0f requests/s, ratio %.2f\n", p, b, p / b}'
