#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The daemon end to end: starts the real `wasmbox serve` on an ephemeral
# loopback port (--listen 127.0.0.1:0; the port is read from its first
# stdout line) and drives it with curl and the load client: routing, the
# CGI convention, every error status, admin authorisation, deploy and
# delete, redeploy under load without a failed request, hostile functions
# next to a healthy one, metrics that move, log lines, SIGTERM drain.
#
#   tests/server/run.sh WASMBOX FUNCS_DIR CLIENT EXAMPLES_DIR
#
# FUNCS_DIR holds the test functions compiled to wasm (tests/server/funcs),
# EXAMPLES_DIR the built examples/functions. JavaScript checks run when the
# build has JavaScript functions. Prints one line per failure and
# "server_daemon: N passed, M failed"; exits 1 if anything failed.
set -u

if [ $# -ne 4 ]; then
  echo "usage: $0 WASMBOX FUNCS_DIR CLIENT EXAMPLES_DIR" >&2
  exit 2
fi
W=$1 FUNCS=$2 CLIENT=$3 EXAMPLES=$4
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL $1${2:+: $2}"
}
# check NAME COMMAND...: passes when the command succeeds.
check() {
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}

TOKEN=test-token-$$
HAS_JS=0

# start_daemon TAG DIR [ARGS...]: starts a daemon (stdout and stderr in
# $TMP/TAG.out and $TMP/TAG.err) and waits for its port. Sets PID, PORT, URL.
start_daemon() {
  local tag=$1 dir=$2
  shift 2
  "$W" serve "$dir" --listen 127.0.0.1:0 --workers 2 "$@" >"$TMP/$tag.out" 2>"$TMP/$tag.err" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 1200); do # JavaScript start-up may compile the guest once
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/$tag.out")
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  URL=http://127.0.0.1:$PORT
  [ -n "$PORT" ]
}

# status URL [CURL ARGS...]: prints the HTTP status (000 on failure).
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# body URL [CURL ARGS...]: prints the body.
body() { curl -s "$@"; }

# expect_status NAME WANT CURL-ARGS...
expect_status() {
  local name=$1 want=$2 got
  shift 2
  got=$(status "$@")
  if [ "$got" = "$want" ]; then pass; else fail "$name" "status $got, expected $want"; fi
}

# expect_body NAME SUBSTRING CURL-ARGS...
expect_body() {
  local name=$1 want=$2 got
  shift 2
  got=$(body "$@")
  if [[ "$got" == *"$want"* ]]; then pass; else fail "$name" "body '${got:0:200}' lacks '$want'"; fi
}

# metric NAME_WITH_LABELS: the value of one series in /metrics (0 if absent).
metric() {
  body "$URL/metrics" | awk -v k="$1" '$1 == k { v = $2 } END { print v == "" ? 0 : v }'
}

# {====================== The functions directory ======================}
D=$TMP/functions
mkdir -p "$D"
for f in hello probe loop hog trap slow; do cp "$FUNCS/$f.wasm" "$D/"; done
cp "$FUNCS/hello.wasm" "$D/live.wasm"
echo '{"timeout": "300ms"}' >"$D/loop.json"
echo '{"max_memory": "8M", "timeout": "5s"}' >"$D/hog.json"
echo '{"max_instances": 1, "queue": 0, "timeout": "10s"}' >"$D/slow.json"
echo '{"max_body": "1K", "max_output": "64K", "env": {"GREETING": "hi there"}}' >"$D/probe.json"
printf 'not wasm at all' >"$D/broken.wasm"          # fails to deploy; the rest serves
printf '\0asm\1\0\0\0\1' >"$D/truncated.wasm"       # likewise
echo '{"tiemout": 1}' >"$D/typo.json"; cp "$FUNCS/hello.wasm" "$D/typo.wasm"
# Deploys when the build runs JavaScript (else it is one more failed deploy).
[ -f "$EXAMPLES/hello.js" ] && cp "$EXAMPLES/hello.js" "$D/hellojs.js"

export WASMBOX_ADMIN_TOKEN=$TOKEN
if ! start_daemon main "$D"; then
  echo "FAIL the daemon did not start"
  cat "$TMP/main.err"
  exit 1
fi
unset WASMBOX_ADMIN_TOKEN
MAIN_PID=$PID
MAIN_URL=$URL
grep -q '"deployed hellojs' "$TMP/main.err" && HAS_JS=1

# {====================== Start-up and routing ======================}
check "bad functions reported" grep -q 'deploy of broken failed (400)' "$TMP/main.err"
check "truncated module reported" grep -q 'deploy of truncated failed (422)' "$TMP/main.err"
check "settings typo reported" grep -q 'tiemout' "$TMP/main.err"
expect_status "broken not deployed" 404 "$URL/broken"
expect_status "typo not deployed" 404 "$URL/typo"
expect_status healthz 200 "$URL/healthz"
expect_body hello "hello" "$URL/hello"
expect_status "unknown function" 404 "$URL/nope"
expect_status "root" 404 "$URL/"
expect_status "reserved name" 404 "$URL/_x"
expect_body "subpath" "probe /a/b" "$URL/probe/a/b"
ENV=$(body -H 'X-Custom-Thing: 42' -H 'Authorization: Bearer nope' "$URL/probe/env/x%20y?q=1&r=%2F")
for want in "REQUEST_METHOD=GET" "PATH_INFO=/env/x y" "X_RAW_PATH_INFO=/env/x%20y" \
  "SCRIPT_NAME=/probe" "QUERY_STRING=q=1&r=%2F" "SERVER_NAME=127.0.0.1" "SERVER_PORT=$PORT" \
  "HTTP_X_CUSTOM_THING=42" "X_FULL_URL=http://127.0.0.1:$PORT/probe/env/x%20y?q=1&r=%2F" \
  "GREETING=hi there" "CONTENT_LENGTH=0" "GATEWAY_INTERFACE=CGI/1.1" "REMOTE_ADDR=127.0.0.1"; do
  if [[ "$ENV" == *"$want"* ]]; then pass; else fail "cgi env $want"; fi
done
if [[ "$ENV" == *HTTP_AUTHORIZATION* ]]; then fail "Authorization must not reach functions"; else pass; fi

# {====================== The CGI convention ======================}
expect_body "echo body" "ping-pong" -X POST -H 'Content-Type: text/x-test' --data-binary 'ping-pong' "$URL/probe/echo"
check "echo content type" bash -c "curl -si -X POST -H 'Content-Type: text/x-test' --data-binary x '$URL/probe/echo' | grep -qi '^Content-Type: text/x-test'"
expect_status "Status header" 418 "$URL/probe/status?code=418"
expect_status "Location means 302" 302 "$URL/probe/redirect"
check "Location kept" bash -c "curl -si '$URL/probe/redirect' | grep -qi '^Location: /elsewhere'"
expect_status "output within max_output" 200 "$URL/probe/big?bytes=60000"
expect_status "output past max_output" 500 "$URL/probe/big?bytes=70000"
expect_status "not CGI output" 500 "$URL/probe/garbage"
expect_status "non-zero exit" 500 "$URL/probe/exit?code=3"
expect_status "exit(0) is fine" 200 "$URL/probe/exit?code=0"
expect_status "stderr + exit 1" 500 "$URL/probe/stderr"
check "stderr in the log" grep -q 'probe: something went wrong' "$TMP/main.err"

# {====================== Limits and error statuses ======================}
head -c 2000 /dev/zero >"$TMP/2k"
expect_status "413 by Content-Length" 413 -X POST --data-binary @"$TMP/2k" "$URL/probe/echo"
expect_status "413 chunked" 413 -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/2k" "$URL/probe/echo"
expect_status "1000 bytes pass" 200 -X POST --data-binary @<(head -c 1000 /dev/zero) "$URL/probe/echo"
BIG=$(head -c 20000 /dev/zero | tr '\0' a)
expect_status "headers past 16 KiB" 431 -H "X-Big: $BIG" "$URL/hello"
expect_status "request line past 16 KiB" 414 "$URL/hello?$BIG"
expect_status "trap is 500" 500 "$URL/trap"
expect_body "trap body says only failed" "the function failed" "$URL/trap"
check "trap detail logged" grep -q '"outcome":"trap".*unreachable' "$TMP/main.err"
T0=$(date +%s%N)
expect_status "loop is 504" 504 "$URL/loop"
T1=$(date +%s%N)
check "deadline near 300ms" test $(((T1 - T0) / 1000000)) -lt 3000
expect_status "memory hog is 500" 500 "$URL/hog"
expect_status "healthy after hostile" 200 "$URL/hello"
expect_status "hog again" 500 "$URL/hog"
expect_status "loop again" 504 "$URL/loop"
# slow: one instance, no queue. A request in flight makes the next 503.
curl -s -o "$TMP/slow1" "$URL/slow?ms=1500" &
SLOW=$!
sleep 0.4
expect_status "pool exhausted is 503" 503 "$URL/slow?ms=10"
check "503 says when to retry" bash -c "curl -si '$URL/slow?ms=10' | grep -qi '^Retry-After: 1'"
wait $SLOW
check "the first slow request finished" grep -q 'slept 1500 ms' "$TMP/slow1"
expect_status "slow free again" 200 "$URL/slow?ms=10"

# {====================== Hostile functions next to a healthy one ======================}
"$CLIENT" 127.0.0.1 "$PORT" /hello 2 4000 >"$TMP/healthy" &
CL=$!
for _ in 1 2 3; do
  hostile=()
  for f in loop hog trap; do
    status "$URL/$f" >/dev/null &
    hostile+=($!)
  done
  wait "${hostile[@]}"
done
wait $CL
CLRC=$?
check "healthy neighbour: no failures" test $CLRC -eq 0
check "healthy neighbour answered" grep -qE 'ok=[1-9]' "$TMP/healthy"
[ $CLRC -eq 0 ] || cat "$TMP/healthy"

# {====================== Admin API ======================}
A=$URL/_admin/functions
expect_status "admin without token" 401 "$A"
expect_status "admin wrong token" 403 -H "Authorization: Bearer wrong-$TOKEN" "$A"
expect_status "admin other scheme" 401 -H "Authorization: Basic $TOKEN" "$A"
expect_status "admin list" 200 -H "Authorization: Bearer $TOKEN" "$A"
LIST=$(body -H "Authorization: Bearer $TOKEN" "$A")
check "list is JSON with stats" bash -c "jq -e '.functions[] | select(.name == \"hello\") | .invocations.ok >= 1 and .pool.created >= 1' <<<'$LIST' >/dev/null"
expect_status "admin one" 200 -H "Authorization: Bearer $TOKEN" "$A/hello"
expect_status "admin one missing" 404 -H "Authorization: Bearer $TOKEN" "$A/nope"
H=(-H "Authorization: Bearer $TOKEN")
expect_status "deploy new" 201 "${H[@]}" -X PUT --data-binary @"$FUNCS/probe.wasm" "$A/fresh"
expect_body "new is live" "probe /x" "$URL/fresh/x"
expect_status "redeploy" 200 "${H[@]}" -X PUT --data-binary @"$FUNCS/hello.wasm" "$A/fresh?timeout=2s"
expect_body "redeployed is live" "hello" "$URL/fresh"
check "version 2" bash -c "curl -s -H 'Authorization: Bearer $TOKEN' '$A/fresh' | jq -e '.version == 2 and .settings.timeout == 2' >/dev/null"
expect_status "not wasm with kind=wasm" 400 "${H[@]}" -X PUT --data-binary 'hello' "$A/fresh?kind=wasm"
printf '\0asm\1\0\0\0\5\3\1\0' >"$TMP/bad.wasm"
expect_status "invalid module is 422" 422 "${H[@]}" -X PUT --data-binary @"$TMP/bad.wasm" "$A/fresh"
expect_body "422 says why" "error" "${H[@]}" -X PUT --data-binary @"$TMP/bad.wasm" "$A/fresh"
expect_body "old version untouched" "hello" "$URL/fresh"
expect_status "bad setting is 400" 400 "${H[@]}" -X PUT --data-binary @"$FUNCS/hello.wasm" "$A/fresh?timeout=fast"
expect_status "unknown setting is 400" 400 "${H[@]}" -X PUT --data-binary @"$FUNCS/hello.wasm" "$A/fresh?colour=blue"
expect_status "memory below the module's is 422" 422 "${H[@]}" -X PUT --data-binary @"$FUNCS/hello.wasm" "$A/small?max_memory=64K"
expect_status "bad name" 400 "${H[@]}" -X PUT --data-binary @"$FUNCS/hello.wasm" "$A/bad.name"
if [ "$HAS_JS" = 0 ]; then
  expect_status "js without the js layer" 400 "${H[@]}" -X PUT --data-binary 'export default {}' "$A/js1"
fi
expect_status "delete" 200 "${H[@]}" -X DELETE "$A/fresh"
expect_status "deleted is gone" 404 "$URL/fresh"
expect_status "delete again" 404 "${H[@]}" -X DELETE "$A/fresh"
check "deploys logged" grep -q '"deployed fresh version 2' "$TMP/main.err"

# An in-flight request finishes on the version it started on.
expect_status "swap v1" 201 "${H[@]}" -X PUT --data-binary @"$FUNCS/slow.wasm" "$A/swap"
curl -s -o "$TMP/swap1" "$URL/swap?ms=1200" &
SLOW=$!
sleep 0.3
expect_status "swap v2 while v1 runs" 200 "${H[@]}" -X PUT --data-binary @"$FUNCS/hello.wasm" "$A/swap"
expect_body "new requests see v2" "hello" "$URL/swap"
wait $SLOW
check "the in-flight request finished on v1" grep -q 'slept 1200 ms' "$TMP/swap1"

# {====================== Redeploy under load ======================}
STOP=$TMP/stop-load
"$CLIENT" 127.0.0.1 "$PORT" /live/x 4 60000 "$STOP" >"$TMP/load" &
CL=$!
sleep 0.3
ok_deploys=0
for i in $(seq 1 12); do
  f=$([ $((i % 2)) = 1 ] && echo probe || echo hello)
  [ "$(status "${H[@]}" -X PUT --data-binary @"$FUNCS/$f.wasm" "$A/live")" = 200 ] && ok_deploys=$((ok_deploys + 1))
  sleep 0.1
done
touch "$STOP"
wait $CL
CLRC=$?
check "12 redeploys under load" test $ok_deploys -eq 12
check "redeploy under load: no failed request" test $CLRC -eq 0
check "redeploy under load: requests ran" grep -qE 'ok=[0-9]{3,}' "$TMP/load"
[ $CLRC -eq 0 ] || cat "$TMP/load"

# {====================== Metrics ======================}
K='wasmbox_invocations_total{function="hello",outcome="ok"}'
before=$(metric "$K")
for _ in 1 2 3 4 5; do status "$URL/hello" >/dev/null; done
after=$(metric "$K")
check "invocations +5 ($before -> $after)" test "$after" -eq $((before + 5))
traps=$(metric 'wasmbox_traps_total{kind="unreachable"}')
status "$URL/trap" >/dev/null
check "traps_total unreachable +1" test "$(metric 'wasmbox_traps_total{kind="unreachable"}')" -eq $((traps + 1))
check "timeouts counted" test "$(metric 'wasmbox_invocations_total{function="loop",outcome="timeout"}')" -ge 3
check "interrupt traps counted" test "$(metric 'wasmbox_traps_total{kind="interrupt"}')" -ge 3
check "busy counted" test "$(metric 'wasmbox_invocations_total{function="slow",outcome="busy"}')" -ge 1
c5=$(metric 'wasmbox_invocation_duration_seconds_count{function="hello"}')
check "duration histogram count" test "$c5" -ge 5
check "pool gauge" test "$(metric 'wasmbox_pool_instances{function="hello",state="idle"}')" -ge 1
check "resident memory" test "$(metric process_resident_memory_bytes | cut -d. -f1)" -gt 1000000
hits=$(metric 'wasmbox_cache_hits_total{cache="wasm"}')
check "redeploys of the same bytes hit the cache" test "$hits" -ge 5
check "compile histogram" test "$(metric 'wasmbox_compile_seconds_count{kind="wasm"}')" -ge 10
check "http 404 counted" test "$(metric 'wasmbox_http_responses_total{code="404"}')" -ge 3

# {====================== Access log ======================}
check "log line per request" bash -c "grep '\"path\":\"/hello\"' '$TMP/main.err' | tail -1 | jq -e '.function == \"hello\" and .status == 200 and (.instance == \"reused\" or .instance == \"new\") and .duration_us >= 0' >/dev/null"
check "every stderr line is JSON" bash -c "jq -e . '$TMP/main.err' >/dev/null"

# {====================== JavaScript ======================}
if [ "$HAS_JS" = 1 ]; then
  expect_body "js hello" "Hello from wasmbox" "$URL/hellojs"
  expect_status "js deploy" 201 "${H[@]}" -X PUT --data-binary 'export default { fetch(r, env) { return new Response("js:" + new URL(r.url).pathname) } }' "$A/js1"
  expect_body "js deployed" "js:/js1/p" "$URL/js1/p"
  expect_status "js syntax error is 422" 422 "${H[@]}" -X PUT --data-binary 'export default {' "$A/js1"
  expect_body "js old version untouched" "js:/js1" "$URL/js1"
  expect_status "js throw is 500" 201 "${H[@]}" -X PUT --data-binary 'export default { fetch() { throw new Error("boom") } }' "$A/jsthrow"
  expect_status "js exception answers 500" 500 "$URL/jsthrow"
  check "js exception logged" grep -q 'boom' "$TMP/main.err"
  expect_status "js loop deploy" 201 "${H[@]}" -X PUT --data-binary 'export default { fetch() { for (;;) {} } }' "$A/jsloop?timeout=300ms"
  expect_status "js loop is 504" 504 "$URL/jsloop"
  expect_status "js hog deploy" 201 "${H[@]}" -X PUT --data-binary 'export default { fetch() { const a = []; for (;;) a.push(new Array(1e5).fill(7)); } }' "$A/jshog?max_memory=16M"
  expect_status "js memory hog is 500" 500 "$URL/jshog"
  expect_status "js hog again" 500 "$URL/jshog"
  expect_status "js healthy after loop" 200 "$URL/hellojs"
fi

# {====================== Admin off without a token ======================}
if start_daemon notoken "$D"; then
  expect_status "admin disabled without a token" 404 -H "Authorization: Bearer x" "$URL/_admin/functions"
  kill -TERM "$PID"
  wait "$PID"
else
  fail "second daemon did not start"
fi

# {====================== Bad command lines ======================}
check "missing directory" bash -c "! '$W' serve '$TMP/none' --listen 127.0.0.1:0 2>/dev/null"
check "bad address" bash -c "'$W' serve '$D' --listen nowhere 2>&1 | grep -q 'ADDR:PORT'"
check "bad workers" bash -c "! '$W' serve '$D' --workers 0 2>/dev/null"

# {====================== SIGTERM drains ======================}
URL=$MAIN_URL
curl -s -o "$TMP/drained" -w '%{http_code}' "$URL/slow?ms=1500" >"$TMP/drained.status" &
SLOW=$!
sleep 0.4
kill -TERM "$MAIN_PID"
sleep 0.2
T0=$(date +%s%N)
check "new connections refused while draining" bash -c "! curl -s -m 5 -o /dev/null '$URL/hello'"
check "refused at once" test $((($(date +%s%N) - T0) / 1000000)) -lt 1000
wait $SLOW
check "in-flight request completed after SIGTERM" grep -q 'slept 1500 ms' "$TMP/drained"
check "with status 200" grep -q 200 "$TMP/drained.status"
wait "$MAIN_PID"
RC=$?
check "exit status 0 after drain (got $RC)" test $RC -eq 0
check "drain logged" grep -q '"draining 1 requests in flight"' "$TMP/main.err"
check "stopped logged" grep -q '"msg":"stopped"' "$TMP/main.err"

echo "server_daemon: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
