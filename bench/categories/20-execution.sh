# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category execution: host-to-wasm call overhead (wbbench call against a
# native call; node calling the export from JS), and the compute workloads
# of bench/workloads, each built natively (gcc -O2, clang-19 -O2) and for
# wasm (clang-19 -O2: wasm32-wasi printing its checksum, and an import-free
# build exporting `run`), timed as whole processes by hyperfine. Every
# engine's checksum must equal native's, or the suite stops.
#
# wasmbox-aot is `wasmbox run --engine aot`: the module is compiled to
# native code by the system C compiler on the first (untimed) run and
# loaded from the compile cache afterwards. The cache lives in
# $BUILD/aot-cache (WASMBOX_CACHE), emptied at the start of each run, so
# neither ~/.cache nor an earlier build's objects take part; the timed runs
# include loading the cached object, not compiling it.

EXEC_WORKLOADS=(fib hash nbody matmul sort strings sieve)

build_execution() {
  local w src dir=$BUILD/$MODE flags=()
  [ "$QUICK" = 1 ] && flags=(-DWL_QUICK)
  for w in "${EXEC_WORKLOADS[@]}"; do
    src=$BENCH/workloads/$w.c
    gcc -O2 "${flags[@]}" -DWL_MAIN "$src" -o "$dir/$w.gcc" -lm
    clang-19 -O2 "${flags[@]}" -DWL_MAIN "$src" -o "$dir/$w.clang" -lm
    clang-19 --target=wasm32-wasi -O2 "${flags[@]}" -DWL_MAIN "$src" -o "$dir/$w.wasi.wasm"
    clang-19 --target=wasm32 -O2 "${flags[@]}" -mbulk-memory -nostdlib -Wl,--no-entry \
      "$src" -o "$dir/$w.bare.wasm"
  done
}

# Checks that a command prints the expected checksum, else stops the suite.
# exec_check WORKLOAD ENGINE EXPECTED CMD...
exec_check() {
  local w=$1 engine=$2 want=$3 got
  shift 3
  got=$(checksum_of "$@") || die "$w: $engine failed to run: $*"
  [ "$got" = "$want" ] || die "$w: checksum mismatch: $engine printed $got, native $want"
}

bench_execution() {
  wbbench call "$BUILD/modules/calls.wasm" | record_lines
  [ -z "$NODE" ] || node_inproc call "$BUILD/modules/calls.wasm" | record_lines

  local w dir=$BUILD/$MODE want wb wa nd wi
  local -x WASMBOX_CACHE=$BUILD/aot-cache
  rm -rf "$WASMBOX_CACHE"
  for w in "${EXEC_WORKLOADS[@]}"; do
    want=$(checksum_of "$dir/$w.gcc") || die "$w: the native build failed to run"
    exec_check "$w" native-clang "$want" "$dir/$w.clang"
    if [ "$WASI" = 1 ]; then wb="$WASMBOX run $dir/$w.wasi.wasm"
    else wb="$WASMBOX run $dir/$w.bare.wasm --invoke run"; fi
    wa=${wb/ run / run --engine aot }
    # shellcheck disable=SC2086
    exec_check "$w" wasmbox "$want" $wb
    # The check run of wasmbox-aot compiles the module into the cache.
    # shellcheck disable=SC2086
    exec_check "$w" wasmbox-aot "$want" $wa
    local cmds=(native "$dir/$w.gcc" native-clang "$dir/$w.clang" wasmbox "$wb" wasmbox-aot "$wa")
    if [ -n "$NODE" ]; then
      nd="$NODE --no-warnings --no-turbo-fast-api-calls $BENCH/peers/node-run.mjs $dir/$w.wasi.wasm"
      # shellcheck disable=SC2086
      exec_check "$w" node "$want" $nd
      cmds+=(node "$nd")
    fi
    log "execution $w (checksum $want)"
    hf execution "$w" "" "$RUNS" 1 "${cmds[@]}"
    if [ -n "$WASM_INTERP" ]; then
      # Debian's wabt has no WASI: the import-free build, `run` its only
      # function export. The check run doubles as the warm-up.
      wi="$WASM_INTERP --run-all-exports $dir/$w.bare.wasm"
      # shellcheck disable=SC2086
      exec_check "$w" wasm-interp "$want" $wi
      # About 20 times slower than wasmbox: --quick times it once.
      hf execution "$w" "" "$([ "$QUICK" = 1 ] && echo 1 || echo "$RUNS")" 0 wasm-interp "$wi"
    fi
  done
}

# Time relative to native gcc -O2 per workload and engine, log scale.
chart_execution() {
  local d=$OUT/tmp/exec.dat
  chart_data "$d" '
    [.results[] | select(.category == "execution" and (.bench | startswith("call-") | not))] as $r
    | ($r | map(.bench) | unique) as $ws
    | ["workload","native-clang","wasmbox","wasmbox-aot","node","wasm-interp"],
      ($ws[] as $w | [$w] + (["native-clang","wasmbox","wasmbox-aot","node","wasm-interp"]
        | map(. as $e | ($r[] | select(.bench == $w and .engine == $e) | .ratio) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/execution.svg"
set title "Run time relative to native gcc -O2 (lower is better)"
set style data histograms; set style histogram clustered gap 1
set style fill solid 0.85 border -1; set logscale y; set ylabel "× native"
set key top left horizontal
colors = c_clang." ".c_wasmbox." ".c_aot." ".c_node." ".c_interp
plot for [i=2:6] "$d" using i:xtic(1) title columnheader(i) lc rgb word(colors, i-1)
EOF
}
