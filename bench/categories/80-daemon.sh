# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category daemon: `wasmbox serve` under wrk, keep-alive, on the hello
# handler (examples/functions/hello.js): requests per second and the p50
# and p99 latencies wrk reports, at 1, 16 and 64 connections, each sample
# one wrk run (one wrk thread) against a daemon warmed up first.
#
# Engines (one server each, started and stopped here; access log on,
# written to a file as in production):
#   wasmbox        the JavaScript hello, one reset instance per request
#   wasmbox-wasi   the same answer from a WASI program in C (CGI style)
#   node           node's http server running hello.js in its own
#                  context, no sandbox (bench/peers/daemon-node.mjs)
#   node-quickjs   node's http server with a fresh quickjs-emscripten
#                  context per request (bench/peers/daemon-quickjs.mjs;
#                  its handler returns a plain object, no Response)
# wrk runs on the same machine as the server: on a 2-core machine the two
# share the cores, so read the figures as a comparison, not a capacity.

DAEMON_CONNS=(1 16 64)
DAEMON_DIR=""
DAEMON_PEERS=""

# A functions directory with hello.js and a WASI hello; the peers' npm
# packages (shared with the js category).
build_daemon() {
  DAEMON_DIR=$BUILD/daemon/functions
  rm -rf "$BUILD/daemon" && mkdir -p "$DAEMON_DIR"
  cp "$ROOT/examples/functions/hello.js" "$DAEMON_DIR/hello.js"
  printf '#include <stdio.h>\nint main(void) { fputs("Content-Type: text/plain; charset=utf-8\\n\\nHello from wasmbox!\\n", stdout); return 0; }\n' |
    clang-19 --target=wasm32-wasi -O2 -x c - -o "$DAEMON_DIR/hellowasi.wasm" ||
    log "warning: the WASI hello does not build"
  [ -n "$NODE" ] && have npm || return 0
  local d=$BUILD/js-peers
  if [ ! -d "$d/node_modules/quickjs-emscripten" ]; then
    mkdir -p "$d"
    cp "$BENCH/peers/package.json" "$BENCH/peers/package-lock.json" "$d/"
    (cd "$d" && npm ci --no-audit --no-fund >"$d/npm.log" 2>&1) ||
      { log "warning: npm ci of the daemon peers failed (see $d/npm.log)"; return 0; }
  fi
  DAEMON_PEERS=$d/node_modules
}

# Starts a server command in the background, waiting for its
# "listening on ADDR:PORT" line. Sets DAEMON_PID and DAEMON_PORT.
daemon_start() {
  local log=$OUT/tmp/daemon-$1.log
  shift
  "$@" >"$log.out" 2>"$log" &
  DAEMON_PID=$!
  DAEMON_PORT=""
  local i
  for i in $(seq 1 600); do
    DAEMON_PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log.out" | head -n 1)
    [ -n "$DAEMON_PORT" ] && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "server did not start: $*"
  cat "$log" >&2
  return 1
}

daemon_stop() {
  kill -TERM "$DAEMON_PID" 2>/dev/null
  wait "$DAEMON_PID" 2>/dev/null
}

# One wrk run: prints "REQ_PER_S P50_MS P99_MS", or fails when any request
# failed (socket errors, non-2xx answers) or wrk did not run.
wrk_once() {
  local out
  out=$(wrk -t1 -c"$2" -d"$3"s --latency "$1" 2>&1) || return 1
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    log "failed requests at $2 connections: $(grep -E 'Non-2xx|Socket errors' <<<"$out")"
    return 1
  fi
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    END { if (rps == "" || p50 == "") exit 1; printf "%s %s %s\n", rps, p50, p99 }' <<<"$out"
}

# Measures ENGINE at URL: RUNS samples per connection count.
daemon_measure() {
  local engine=$1 url=$2 secs=$([ "$QUICK" = 1 ] && echo 2 || echo 5) c r line a b d
  wrk -t1 -c16 -d2s "$url" >/dev/null 2>&1 # warm-up: instances, JIT, caches
  for c in "${DAEMON_CONNS[@]}"; do
    local rps=() p50=() p99=()
    for r in $(seq 1 "$RUNS"); do
      line=$(wrk_once "$url" "$c" "$secs") || continue
      read -r a b d <<<"$line"
      rps+=("$a") p50+=("$b") p99+=("$d")
    done
    [ ${#rps[@]} -gt 0 ] || { absent "$engine" "no clean wrk run at $c connections"; continue; }
    local p="$c connections" j
    for j in "req/s:hello req/s:${rps[*]}" "ms:hello p50:${p50[*]}" "ms:hello p99:${p99[*]}"; do
      IFS=: read -r unit bench samples <<<"$j"
      jq -cn --arg b "$bench" --arg p "$p" --arg e "$engine" --arg u "$unit" --arg s "$samples" \
        '{category: "daemon", bench: $b, param: $p, engine: $e, unit: $u,
          samples: ($s | split(" ") | map(tonumber))}' >>"$RAW"
    done
  done
}

# The daemon on DAEMON_DIR; which functions deployed decides the engines.
bench_daemon_wasmbox() {
  if ! "$WASMBOX" serve --help >/dev/null 2>&1; then
    absent wasmbox "this wasmbox has no serve command"
    return 0
  fi
  daemon_start wasmbox "$WASMBOX" serve "$DAEMON_DIR" --listen 127.0.0.1:0 || return 0
  local log=$OUT/tmp/daemon-wasmbox.log
  if grep -q '"deployed hello ' "$log"; then
    daemon_measure wasmbox "http://127.0.0.1:$DAEMON_PORT/hello"
  else
    absent wasmbox "hello.js did not deploy (no JavaScript in this build?)"
  fi
  if grep -q '"deployed hellowasi ' "$log"; then
    daemon_measure wasmbox-wasi "http://127.0.0.1:$DAEMON_PORT/hellowasi"
  else
    absent wasmbox-wasi "the WASI hello did not deploy"
  fi
  daemon_stop
}

bench_daemon() {
  if ! have wrk; then
    absent wasmbox "wrk is not installed (scripts/deps.sh)"
    return 0
  fi
  bench_daemon_wasmbox
  [ -n "$NODE" ] || return 0
  if daemon_start node "$NODE" "$BENCH/peers/daemon-node.mjs" "$DAEMON_DIR/hello.js" 0; then
    daemon_measure node "http://127.0.0.1:$DAEMON_PORT/hello"
    daemon_stop
  fi
  if [ -z "$DAEMON_PEERS" ]; then
    absent node-quickjs "quickjs-emscripten could not be installed"
  elif daemon_start node-quickjs "$NODE" "$BENCH/peers/daemon-quickjs.mjs" \
    --modules "$DAEMON_PEERS" 0; then
    daemon_measure node-quickjs "http://127.0.0.1:$DAEMON_PORT/hello"
    daemon_stop
  fi
}

# Requests per second by connections and engine.
chart_daemon() {
  local d=$OUT/tmp/daemon.dat
  chart_data "$d" '
    [.results[] | select(.category == "daemon" and .bench == "hello req/s")] as $r
    | ["connections","wasmbox","wasmbox-wasi","node","node-quickjs"],
      (["1","16","64"][] as $c | [$c] + (["wasmbox","wasmbox-wasi","node","node-quickjs"]
        | map(. as $e | ($r[] | select(.param == ($c + " connections") and .engine == $e)
                        | .median) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/daemon.svg"
set title "hello over HTTP keep-alive, wrk on the same machine (higher is better)"
set style data histograms; set style histogram clustered gap 1
set style fill solid 0.85 border -1; set ylabel "requests per second"; set xlabel "connections"
plot "$d" using 2:xtic(1) title columnheader(2) lc rgb c_wasmbox, "" using 3 title columnheader(3) lc rgb c_aot, \
  "" using 4 title columnheader(4) lc rgb c_node, "" using 5 title columnheader(5) lc rgb c_interp
EOF
}
