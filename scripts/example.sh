#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs dependencies, builds the release preset and serves
# examples/functions with `wasmbox serve`: a JavaScript hello, a JSON API
# (JavaScript) and a WASI function written in C. Prints the curl lines to
# try, then runs the daemon in the foreground (Ctrl-C drains and stops it).
#   scripts/example.sh [--try]
# --try: instead, starts the daemon, runs the curl lines, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
W=build/release/wasmbox
FN=build/release/examples/functions
PORT=${PORT:-8787}
export WASMBOX_ADMIN_TOKEN=${WASMBOX_ADMIN_TOKEN:-example-token}

if [ "${1:-}" != --try ]; then
  echo "Try, from another terminal:"
  echo "  curl 127.0.0.1:$PORT/hello"
  echo "  curl '127.0.0.1:$PORT/api/greet?name=Ada'"
  echo "  curl -X POST -d '{\"values\": [3, 1, 4, 1, 5]}' 127.0.0.1:$PORT/api/stats"
  echo "  curl '127.0.0.1:$PORT/greet?name=Ada'"
  echo "  curl -H 'Authorization: Bearer $WASMBOX_ADMIN_TOKEN' 127.0.0.1:$PORT/_admin/functions"
  echo "  curl 127.0.0.1:$PORT/metrics"
  echo "\$ $W serve $FN --listen 127.0.0.1:$PORT"
  exec "$W" serve "$FN" --listen "127.0.0.1:$PORT"
fi

OUT=$(mktemp)
"$W" serve "$FN" --listen 127.0.0.1:0 >"$OUT" 2>"$OUT.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID; rm -f "$OUT" "$OUT.log"' EXIT
until grep -q '^listening on' "$OUT"; do
  kill -0 $PID 2>/dev/null || { cat "$OUT.log"; exit 1; }
  sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$OUT")
say() {
  echo "\$ curl $*"
  curl -sS "$@"
  echo
}
say "$URL/hello"
say "$URL/api/greet?name=Ada"
say -X POST -d '{"values": [3, 1, 4, 1, 5]}' "$URL/api/stats"
say "$URL/greet?name=Ada"
say -H "Authorization: Bearer $WASMBOX_ADMIN_TOKEN" "$URL/_admin/functions"
printf '$ curl %s | grep invocations_total\n' "$URL/metrics"
curl -sS "$URL/metrics" | grep '^wasmbox_invocations_total.*outcome="ok"'
echo "access log (stderr of the daemon):"
tail -n 3 "$OUT.log"
