# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category memory: footprint per instance (Rss and Private_Dirty growth
# for 1, 10, 100, 1000 instances of a module with one page, wasmbox with a
# store each, node in one isolate), memory.grow cost, and growth until
# refused (the store limit, else the 4 GiB maximum).

MEM_COUNTS=(1 10 100 1000)

bench_memory() {
  local n mod=$BUILD/modules/mem.wasm
  for n in "${MEM_COUNTS[@]}"; do
    wbbench footprint "$n" "$mod" | record_lines
    [ -z "$NODE" ] || node_inproc footprint "$n" "$mod" | record_lines
  done
  wbbench grow "$mod" | record_lines
}

# Footprint per instance by instance count.
chart_memory() {
  local d=$OUT/tmp/mem.dat
  chart_data "$d" '
    [.results[] | select(.category == "memory" and (.bench | startswith("footprint")))] as $r
    | ["n","wasmbox-rss","wasmbox-private-dirty","node-rss","node-private-dirty"],
      (["1","10","100","1000"][] as $n
       | [$n] + ([["wasmbox","footprint-rss"],["wasmbox","footprint-private-dirty"],
                  ["node","footprint-rss"],["node","footprint-private-dirty"]]
         | map(. as $p | ($r[] | select(.param == $n and .engine == $p[0]
                                        and .bench == $p[1]) | .median) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/memory.svg"
set title "Memory per instance, 1 page of linear memory written (lower is better)"
set logscale xy; set xlabel "instances"; set ylabel "KiB per instance"
set key top right
set xrange [0.7:1500]
plot "$d" using 1:2 with linespoints lw 2 pt 7 lc rgb c_wasmbox title columnheader(2), \
  "" using 1:3 with linespoints lw 2 pt 6 dt 2 lc rgb c_wasmbox title columnheader(3), \
  "" using 1:4 with linespoints lw 2 pt 7 lc rgb c_node title columnheader(4), \
  "" using 1:5 with linespoints lw 2 pt 6 dt 2 lc rgb c_node title columnheader(5)
EOF
}
