# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category limits: how fast a deadline or an interrupt stops a tight loop
# (time from the deadline, or from wb_store_interrupt on another thread, to
# the trap back in the host), what arming a deadline adds to a call, and
# what the checks cost the compute workloads: the same wasmbox with no
# limit set, with a deadline (--timeout 3600s), with fuel (--fuel), against a
# build whose interpreter has the checks compiled out (WB_NO_LIMIT_CHECKS).

build_limits() {
  if ! declare -F build_execution >/dev/null; then
    # shellcheck source=/dev/null
    . "$BENCH/categories/20-execution.sh"
    build_execution
  fi
  log "building wasmbox without limit checks (reference for their cost)"
  cmake -S "$ROOT" -B "$BUILD/nochecks" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS=-DWB_NO_LIMIT_CHECKS >/dev/null &&
    cmake --build "$BUILD/nochecks" --target wasmbox-cli >/dev/null ||
    die "the build without limit checks failed"
}

bench_limits() {
  wbbench limits "$BUILD/modules/limits.wasm" | record_lines
  local w dir=$BUILD/$MODE nc=$BUILD/nochecks/wasmbox
  for w in "${EXEC_WORKLOADS[@]}"; do
    local wasm=$dir/$w.wasi.wasm
    log "limits $w"
    hf limits "$w" "" "$RUNS" 1 no-checks "$nc run $wasm" wasmbox "$WASMBOX run $wasm" \
      deadline "$WASMBOX run --timeout 3600s $wasm" fuel "$WASMBOX run --fuel 1000000000000 $wasm"
  done
}

# Slowdown of each limit against the build without checks, per workload.
chart_limits() {
  local d=$OUT/tmp/limits.dat
  chart_data "$d" '
    [.results[] | select(.category == "limits" and .unit == "ms")] as $r
    | ($r | map(.bench) | unique) as $ws
    | ["workload","no limit set","deadline","fuel"],
      ($ws[] as $w | ($r[] | select(.bench == $w and .engine == "no-checks") | .median) as $base
        | [$w] + (["wasmbox","deadline","fuel"]
          | map(. as $e | (($r[] | select(.bench == $w and .engine == $e) | .median) / $base - 1) * 100)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/limits.svg"
set title "Cost of the limit checks vs an interpreter without them (lower is better)"
set style data histograms; set style histogram clustered gap 1
set style fill solid 0.85 border -1; set ylabel "slowdown, %"
plot "$d" using 2:xtic(1) title columnheader(2), "" using 3 title columnheader(3), "" using 4 title columnheader(4)
EOF
}
