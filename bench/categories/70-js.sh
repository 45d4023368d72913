# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category js: JavaScript functions in process (bench/harness/js.c):
# runtime start, deploy cold (compile + evaluate + snapshot) and with the
# bytecode cached, one request to a hello handler and to a JSON transform
# (p50 and p99 of the latencies within each sample), and memory per idle
# pooled instance after one request (Private_Dirty). wasmbox runs in the
# AOT tier (wasmbox-aot) and in the interpreter (wasmbox).
#
# Peers in node, one fresh context per request (bench/peers/js-inproc.mjs):
# quickjs-emscripten (QuickJS in wasm, npm, pinned by
# bench/peers/package-lock.json) and vm.runInNewContext. Their handlers
# return plain objects (no Request/Response), and their idle memory is each
# engine's own count (QuickJS's memory_used_size; V8's heap after GC), not
# Private_Dirty: read those cells as orders of magnitude.

JS_PEERS=""

build_js() {
  [ -n "$NODE" ] || return 0
  if ! have npm; then
    log "npm is missing: the js peers will be absent"
    return 0
  fi
  local d=$BUILD/js-peers
  mkdir -p "$d"
  cp "$BENCH/peers/package.json" "$BENCH/peers/package-lock.json" "$d/"
  if (cd "$d" && npm ci --no-audit --no-fund >"$d/npm.log" 2>&1); then
    JS_PEERS=$d/node_modules
  else
    log "warning: npm ci of the js peers failed (see $d/npm.log)"
  fi
}

js_peer() {
  "$NODE" --expose-gc "$BENCH/peers/js-inproc.mjs" --modules "$JS_PEERS" --samples "$RUNS" \
    $([ "$QUICK" = 1 ] && echo --quick) "$1"
}

bench_js() {
  if ! wbbench_has js; then
    absent wasmbox-js "wbbench was built without the js command (libwasmbox-js.a missing?)"
  else
    wbbench js aot | record_lines
    wbbench js interp | record_lines
  fi
  if [ -z "$NODE" ]; then
    return 0
  elif [ -z "$JS_PEERS" ]; then
    absent quickjs-emscripten "its npm package could not be installed"
  else
    js_peer quickjs-emscripten | record_lines
  fi
  js_peer node-vm | record_lines
}

# Request latency p50 by handler and engine.
chart_js() {
  local d=$OUT/tmp/js.dat
  chart_data "$d" '
    [.results[] | select(.category == "js" and .param == "p50")] as $r
    | ["handler","wasmbox-aot","wasmbox","quickjs-emscripten","node-vm"],
      (["hello","json"][] as $b | [$b] + (["wasmbox-aot","wasmbox","quickjs-emscripten","node-vm"]
        | map(. as $e | ($r[] | select(.bench == $b and .engine == $e) | .median) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/js.svg"
set title "JavaScript request latency p50, one fresh or reset context per request (lower is better)"
set style data histograms; set style histogram clustered gap 1
set style fill solid 0.85 border -1; set logscale y; set ylabel "microseconds"
plot "$d" using 2:xtic(1) title columnheader(2), "" using 3 title columnheader(3), \
  "" using 4 title columnheader(4), "" using 5 title columnheader(5)
EOF
}
