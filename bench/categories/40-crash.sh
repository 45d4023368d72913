# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category crash: time to trap and get the trap back in the host (divide
# by zero, out-of-bounds load through the guard-page fault path,
# unreachable), instantiate + trap + delete cycles, and the latency of the
# next call after a trap; node (a caught WebAssembly.RuntimeError) as peer.

bench_crash() {
  wbbench trap "$BUILD/modules/traps.wasm" | record_lines
  [ -z "$NODE" ] || node_inproc trap "$BUILD/modules/traps.wasm" | record_lines
}

# Trap latency by kind, wasmbox and node, log scale.
chart_crash() {
  local d=$OUT/tmp/crash.dat
  chart_data "$d" '
    [.results[] | select(.category == "crash" and .bench == "trap")] as $r
    | ["kind","wasmbox","node"],
      (["none (returns)","divide by zero","out-of-bounds load","unreachable"][] as $k
        | ["\"" + $k + "\""] + (["wasmbox","node"]
          | map(. as $e | ($r[] | select(.param == $k and .engine == $e) | .median) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/crash.svg"
set title "A call that traps, until the trap is back in the host (lower is better)"
set style data histograms; set style histogram clustered gap 1
set style fill solid 0.85 border -1; set logscale y; set ylabel "nanoseconds per call"
plot "$d" using 2:xtic(1) title columnheader(2) lc rgb c_wasmbox, "" using 3 title columnheader(3) lc rgb c_node
EOF
}
