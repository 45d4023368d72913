# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Category pool: instances from a template (the image mapped copy-on-write)
# against plain instantiation plus initialisation, and a pool's acquire +
# release around calls that dirty 4 KiB, 64 KiB or 1 MiB, for images of
# 64 KiB, 2 MiB and 32 MiB, on 1 and 2 threads; private memory per idle
# pooled instance.

bench_pool() {
  wbbench pool | record_lines
}

# acquire + release by image size and dirtied bytes (one thread).
chart_pool() {
  local d=$OUT/tmp/pool.dat
  chart_data "$d" '
    [.results[] | select(.category == "pool" and .bench == "acquire+release"
                         and (.param | endswith("1 thread")))] as $r
    | ["image","4KiB dirty","64KiB dirty","1MiB dirty"],
      (["64KiB","2MiB","32MiB"][] as $i | [$i] + (["4KiB","64KiB","1MiB"]
        | map(. as $dd | ($r[] | select(.param == ($i + " image, " + $dd + " dirty, 1 thread"))
                         | .median) // null)))'
  gnuplot <<EOF
$GP_COMMON
set output "$OUT/pool.svg"
set title "Pool acquire + release, by image size and bytes dirtied per call (lower is better)"
set style data histograms; set style histogram clustered gap 1
set style fill solid 0.85 border -1; set logscale y; set ylabel "microseconds"
plot "$d" using 2:xtic(1) title columnheader(2), "" using 3 title columnheader(3), "" using 4 title columnheader(4)
EOF
}
