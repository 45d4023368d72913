#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `wasmbox js` end to end: every Web API test handler in tests/js/api/
# (each must answer 200 "ok" and print the logs it expects), then the
# command's own cases: the response format, the request options, env,
# console output, and each way a handler can fail with its message and
# exit status.
#
#   tests/js/run.sh WASMBOX TESTS_JS_DIR ENGINE
#
# ENGINE is interp, aot or auto (--engine). An API handler declares its
# request in comment lines (see tests/js/api/README.md):
#   // request: METHOD PATH      // body: TEXT      // header: Name: value
#   // expect-log: LEVEL TEXT    (stderr must hold the line "[LEVEL] TEXT")
# Prints one line per failure and "js-cli: N passed, M failed".
set -u

if [ $# -ne 3 ]; then
  echo "usage: $0 WASMBOX TESTS_JS_DIR ENGINE" >&2
  exit 2
fi
WASMBOX=$1
DIR=$2
ENGINE=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0

# expect NAME RC STDOUT STDERR_SUBSTRING -- COMMAND...
#   Runs COMMAND and checks its exit status is RC, its stdout is exactly
#   STDOUT (unless '*') and its stderr contains STDERR_SUBSTRING (unless
#   '*'; '' demands an empty stderr).
expect() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 5
  local out err rc
  out=$("$@" 2>"$TMP/stderr")
  rc=$?
  err=$(cat "$TMP/stderr")
  local why=""
  if [ "$rc" -ne "$want_rc" ]; then
    why="exit status $rc, expected $want_rc"
  elif [ "$want_out" != '*' ] && [ "$out" != "$want_out" ]; then
    why="stdout differs"
  elif [ -z "$want_err" ] && [ -n "$err" ]; then
    why="unexpected stderr"
  elif [ "$want_err" != '*' ] && [[ "$err" != *"$want_err"* ]]; then
    why="stderr does not contain '$want_err'"
  fi
  report "$name" "$why" "$out" "$err"
}

# report NAME WHY STDOUT STDERR: counts a check (failed when WHY is set).
report() {
  if [ -z "$2" ]; then
    passed=$((passed + 1))
    return
  fi
  failed=$((failed + 1))
  echo "FAIL $1: $2"
  printf '  stdout: %s\n' "${3//$'\n'/$'\n'  stdout: }"
  [ -n "$4" ] && printf '  stderr: %s\n' "${4//$'\n'/$'\n'  stderr: }"
}

# handler NAME <<'EOF' ... EOF: writes $TMP/NAME.js from stdin.
handler() { cat >"$TMP/$1.js"; }

JS=("$WASMBOX" js --engine "$ENGINE")

# {====================== tests/js/api ======================}

# api_case FILE: runs one API handler with the request its comments ask for.
api_case() {
  local f=$1 name args=() line method=GET path=/ logs=()
  name=api/$(basename "$f" .js)
  while IFS= read -r line; do
    case $line in
      '// request: '*) line=${line#// request: }; method=${line%% *}; path=${line#* } ;;
      '// body: '*) args+=(--body "${line#// body: }") ;;
      '// header: '*) args+=(--header "${line#// header: }") ;;
      '// expect-log: '*) line=${line#// expect-log: }; logs+=("[${line%% *}] ${line#* }") ;;
      '// include: '*) cat "$DIR/api/lib/${line#// include: }" >>"$TMP/include.js" ;;
    esac
  done <"$f"
  local run=$f
  if [ -s "$TMP/include.js" ]; then # the shared checks, then the handler
    run=$TMP/$(basename "$f")
    cat "$TMP/include.js" "$f" >"$run"
    rm -f "$TMP/include.js"
  fi
  local out err rc why=""
  out=$("${JS[@]}" "$run" --method "$method" --path "$path" "${args[@]}" 2>"$TMP/stderr")
  rc=$?
  err=$(cat "$TMP/stderr")
  if [ "$rc" -ne 0 ]; then
    why="exit status $rc"
  elif [ "${out%%$'\n'*}" != "HTTP 200" ]; then
    why="status line '${out%%$'\n'*}', expected 'HTTP 200'"
  elif [ "${out##*$'\n'}" != ok ]; then
    why="body is not 'ok'"
  fi
  local l
  for l in "${logs[@]}"; do
    [ -n "$why" ] || grep -qxF -- "$l" <<<"$err" || why="stderr has no line '$l'"
  done
  report "$name" "$why" "$out" "$err"
}

napi=0
for f in "$DIR"/api/*.js; do
  [ -e "$f" ] || continue
  api_case "$f"
  napi=$((napi + 1))
done

# {====================== responses and requests ======================}

handler hello <<'EOF'
export default {
  fetch() {
    return new Response("hello\n", { status: 202, headers: { "x-a": "1" } });
  },
};
EOF
# Header order is the guest's: compare them sorted.
expect hello 0 $'HTTP 202\ncontent-type: text/plain;charset=UTF-8\nx-a: 1\n\nhello' '' -- \
  bash -c '"$@" | { read -r s; echo "$s"; while IFS= read -r l && [ -n "$l" ]; do echo "$l"; done | sort; echo; cat; }' _ "${JS[@]}" "$TMP/hello.js"

handler echo <<'EOF'
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const text = await request.text();
    return new Response(
      [request.method, url.host, url.pathname, url.searchParams.get("q"),
       request.headers.get("x-one"), request.headers.get("x-two"), text,
       env.A, env.B, Object.isFrozen(env)].join("|"));
  },
};
EOF
E=$TMP/echo.js
expect echo-defaults 0 $'HTTP 200\ncontent-type: text/plain;charset=UTF-8\n\nGET|localhost|/|||||||true' '' -- \
  "${JS[@]}" "$E"
expect echo-all 0 '*' '' -- "${JS[@]}" "$E" --method POST --path '/p/q?q=1%202' \
  --header 'X-One: one' --header 'x-two:two words' --body 'the body' --env A=a --env 'B=x"y\z'
expect echo-all-body 0 'POST|localhost|/p/q|1 2|one|two words|the body|a|x"y\z|true' '*' -- \
  bash -c '"$@" | tail -n 1' _ "${JS[@]}" "$E" --method POST --path '/p/q?q=1%202' \
  --header 'X-One: one' --header 'x-two:two words' --body 'the body' --env A=a --env 'B=x"y\z'
printf 'line one\nline two' >"$TMP/body.txt"
expect body-file 0 '*' '' -- "${JS[@]}" "$E" --body "@$TMP/body.txt"
expect body-file-text 0 'line two|||true' '' -- \
  bash -c '"$@" | tail -n 1' _ "${JS[@]}" "$E" --body "@$TMP/body.txt"
expect host-header 0 'GET|example.org:8080|/|||||||true' '' -- \
  bash -c '"$@" | tail -n 1' _ "${JS[@]}" "$E" --header 'Host: example.org:8080'
expect equals-form 0 'PUT|localhost|/z|||||||true' '' -- \
  bash -c '"$@" | tail -n 1' _ "${JS[@]}" "$E" --method=PUT --path=/z

# {====================== async, timers, console ======================}

handler async <<'EOF'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
console.info("module evaluated");
export default {
  async fetch() {
    const seen = [];
    const slow = sleep(40).then(() => seen.push("slow"));
    const fast = sleep(10).then(() => seen.push("fast"));
    await null;
    seen.push("micro");
    await Promise.all([slow, fast]);
    console.log("order", seen.join(","));
    console.warn("careful");
    console.error({ code: 7 });
    return new Response(seen.join(","));
  },
};
EOF
expect async-body 0 '*' '' -- bash -c '"$@" 2>/dev/null | tail -n 1 | grep -qx micro,fast,slow' _ \
  "${JS[@]}" "$TMP/async.js"
expect async-module-log 0 '*' '[info] module evaluated' -- "${JS[@]}" "$TMP/async.js"
expect async-log 0 '*' '[log] order micro,fast,slow' -- "${JS[@]}" "$TMP/async.js"
expect async-warn 0 '*' '[warn] careful' -- "${JS[@]}" "$TMP/async.js"
expect async-error 0 '*' '[error] {' -- "${JS[@]}" "$TMP/async.js"

# {====================== failures ======================}

handler syntax <<'EOF'
export default {
  fetch() {
    return new Response("x" +);
  },
};
EOF
expect syntax-error 1 '' 'syntax.js:3:' -- "${JS[@]}" "$TMP/syntax.js"
expect syntax-error-kind 1 '' 'SyntaxError' -- "${JS[@]}" "$TMP/syntax.js"

handler throws <<'EOF'
function inner() {
  throw new Error("boom");
}
export default {
  fetch() {
    console.log("before");
    return inner();
  },
};
EOF
expect throw-message 1 '' 'Error: boom' -- "${JS[@]}" "$TMP/throws.js"
expect throw-stack 1 '' 'at inner (throws.js:2' -- "${JS[@]}" "$TMP/throws.js"
expect throw-logs 1 '' '[log] before' -- "${JS[@]}" "$TMP/throws.js"

handler reject <<'EOF'
export default {
  async fetch() {
    await null;
    throw new RangeError("rejected here");
  },
};
EOF
expect rejected 1 '' 'RangeError: rejected here' -- "${JS[@]}" "$TMP/reject.js"

handler notresponse <<'EOF'
export default { fetch() { return { status: 200 }; } };
EOF
expect not-a-response 1 '' 'Response' -- "${JS[@]}" "$TMP/notresponse.js"

handler never <<'EOF'
export default { fetch() { return new Promise(() => {}); } };
EOF
expect never-settles 1 '' 'never settled' -- "${JS[@]}" "$TMP/never.js"

handler toplevel <<'EOF'
console.log("evaluating");
throw new TypeError("at the top");
EOF
expect top-level-throw 1 '' 'TypeError: at the top' -- "${JS[@]}" "$TMP/toplevel.js"
expect top-level-log 1 '' '[log] evaluating' -- "${JS[@]}" "$TMP/toplevel.js"

handler nofetch <<'EOF'
export default { hello() {} };
EOF
expect no-fetch 1 '' 'fetch' -- "${JS[@]}" "$TMP/nofetch.js"

handler loop <<'EOF'
export default { fetch() { for (;;) {} } };
EOF
expect timeout 1 '' 'timeout' -- "${JS[@]}" "$TMP/loop.js" --timeout 200ms

handler sleeper <<'EOF'
export default {
  async fetch() {
    await new Promise((resolve) => setTimeout(resolve, 60000));
    return new Response("late");
  },
};
EOF
expect timer-timeout 1 '' 'timeout' -- timeout 30 "${JS[@]}" "$TMP/sleeper.js" --timeout 300ms

handler toploop <<'EOF'
while (true) {}
export default { fetch() {} };
EOF
expect top-level-timeout 1 '' 'timeout' -- "${JS[@]}" "$TMP/toploop.js" --timeout 200ms

handler hog <<'EOF'
export default {
  fetch() {
    const keep = [];
    for (;;) keep.push(new Array(100000).fill(keep.length));
  },
};
EOF
expect memory-limit 1 '' 'out of memory' -- "${JS[@]}" "$TMP/hog.js" --max-memory 48M --timeout 20s

# {====================== usage ======================}

expect no-handler 2 '' 'missing HANDLER.js' -- "$WASMBOX" js
expect help 0 '*' '' -- "$WASMBOX" js --help
expect unknown-option 2 '' 'unknown option --frob' -- "$WASMBOX" js "$TMP/hello.js" --frob
expect bad-path 2 '' '--path needs a path' -- "$WASMBOX" js "$TMP/hello.js" --path nope
expect bad-header 2 '' "--header needs 'NAME: VALUE'" -- "$WASMBOX" js "$TMP/hello.js" --header x
expect bad-env 2 '' '--env needs NAME=VALUE' -- "$WASMBOX" js "$TMP/hello.js" --env x
expect bad-engine 2 '' '--engine needs interp, aot or auto' -- "$WASMBOX" js "$TMP/hello.js" --engine jit
expect bad-timeout 2 '' '--timeout needs' -- "$WASMBOX" js "$TMP/hello.js" --timeout soon
expect fuel-refused 2 '' 'unknown option --fuel' -- "$WASMBOX" js "$TMP/hello.js" --fuel 10
expect two-handlers 2 '' 'unexpected argument' -- "$WASMBOX" js "$TMP/hello.js" "$TMP/echo.js"
expect missing-file 1 '' "$TMP/none.js: No such file or directory" -- "${JS[@]}" "$TMP/none.js"
expect missing-body-file 1 '' "$TMP/none.txt: No such file or directory" -- \
  "${JS[@]}" "$TMP/hello.js" --body "@$TMP/none.txt"

echo "js-cli ($ENGINE, $napi API handlers): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
