# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category instantiation: bytes to callable instance (cold), instance of a
# compiled module (warm), and compile alone, for generated modules of 1 KiB
# to 1 MiB of code (bench/gen/genmod.c), in process (wbbench, node); and
# whole-process start-up of a trivial and of the 1 MiB module (hyperfine).
#
# wasmbox-aot starts the same modules with `--engine aot` and a warm compile
# cache ($BUILD/aot-cache-inst, filled by an untimed `wasmbox compile`):
# what a cached artifact costs a process. `aot-load` times just that part
# in process (wbbench instantiate --aot-load: finding and loading the
# cached object, i.e. cache key, checksum of the object, dlopen), each
# sample in a fresh child process.

INST_SIZES=(1KiB 10KiB 100KiB 1MiB)

bench_instantiation() {
  local size m=$BUILD/modules
  for size in "${INST_SIZES[@]}"; do
    wbbench instantiate "$size" "$m/gen-$size.wasm" | record_lines
    [ -z "$NODE" ] || node_inproc instantiate "$size" "$m/gen-$size.wasm" | record_lines
  done
  # Start-up: more runs than elsewhere, these are short.
  local runs=$(( RUNS * 4 )) file label aot=1
  local -x WASMBOX_CACHE=$BUILD/aot-cache-inst
  rm -rf "$WASMBOX_CACHE"
  for label in trivial 1MiB; do
    file=$m/trivial.wasm
    [ "$label" = 1MiB ] && file=$m/gen-1MiB.wasm
    local cmds=(wasmbox "$WASMBOX run $file")
    if [ "$aot" = 1 ] && "$WASMBOX" compile "$file" >/dev/null 2>&1; then
      cmds+=(wasmbox-aot "$WASMBOX run --engine aot $file")
    elif [ "$aot" = 1 ]; then
      aot=0
      absent wasmbox-aot "wasmbox compile $(basename "$file") failed"
    fi
    [ "$label" = trivial ] && cmds=(native "$BUILD/empty" "${cmds[@]}")
    [ -z "$NODE" ] || cmds+=(node "$NODE --no-warnings $BENCH/peers/node-run.mjs $file")
    # wasm-interp without --run-all-exports: load, validate, instantiate.
    [ -z "$WASM_INTERP" ] || cmds+=(wasm-interp "$WASM_INTERP $file")
    hf instantiation startup "$label" "$runs" 3 "${cmds[@]}"
    [ "$aot" = 0 ] || wbbench instantiate "$label" "$file" --aot-load | record_lines
  done
}

# Cold and warm instantiation by module size, log-log.
chart_instantiation() {
  local d=$OUT/tmp/inst.dat
  chart_data "$d" '
    [.results[] | select(.category == "instantiation" and (.bench == "cold" or .bench == "warm"))] as $r
    | ["kib","wasmbox-cold","wasmbox-warm","node-cold","node-warm"],
      (["1KiB","10KiB","100KiB","1MiB"] | to_entries[] | . as $s
        | [[1,10,100,1024][$s.key]]
          + ([["wasmbox","cold"],["wasmbox","warm"],["node","cold"],["node","warm"]]
             | map(. as $p | ($r[] | select(.param == $s.value and .engine == $p[0]
                                            and .bench == $p[1]) | .median) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/instantiation.svg"
set title "Instantiation by module code size (lower is better)"
set logscale xy; set xlabel "code size"; set ylabel "microseconds"
set xtics ("1 KiB" 1, "10 KiB" 10, "100 KiB" 100, "1 MiB" 1024)
set xrange [0.7:1500]
plot "$d" using 1:2 with linespoints lw 2 pt 7 lc rgb c_wasmbox title columnheader(2), \
  "" using 1:3 with linespoints lw 2 pt 6 dt 2 lc rgb c_wasmbox title columnheader(3), \
  "" using 1:4 with linespoints lw 2 pt 7 lc rgb c_node title columnheader(4), \
  "" using 1:5 with linespoints lw 2 pt 6 dt 2 lc rgb c_node title columnheader(5)
EOF
}
