# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# From raw.jsonl to results.json, report.md and charts; baseline
# comparison; publishing into bench/report/ and BENCHMARKS.md.
# Sourced by bench/run (uses OUT, RAW, BENCH, ROOT, NAME, BASE, ...).

# Columns in this order; engines not listed come after, alphabetically.
ENGINE_ORDER='["native","native-clang","wasmbox","wasmbox-aot","node","wasm-interp"]'

# jq helpers shared by every filter below.
JQ_LIB='
def median: sort | if length % 2 == 1 then .[(length - 1) / 2]
                   else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def key: "\(.category)/\(.bench)/\(.param)/\(.engine)";
def fmt: if . == null then "-"
  elif (. | fabs) >= 100 then (round | tostring)
  elif (. | fabs) >= 10 then (. * 10 | round / 10 | tostring)
  elif (. | fabs) >= 1 then (. * 100 | round / 100 | tostring)
  else (. * 1000 | round / 1000 | tostring) end;
def higher_better: .unit | test("/s$");
def geomean: if length == 0 then null
  else (map(log) | add / length | exp) end;
'

# Machine and run description for results.json.
run_meta() {
  local cpu commit dirty=false
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$ROOT" status --porcelain -- src include tools 2>/dev/null)" ] || dirty=true
  jq -n --arg name "$NAME" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --arg commit "$commit" --argjson dirty "$dirty" --arg cpu "$cpu" \
    --arg cpus "$(nproc)" --arg kernel "$(uname -r)" \
    --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --argjson quick "$([ "$QUICK" = 1 ] && echo true || echo false)" \
    --argjson runs "$RUNS" --argjson wasi "$([ "$WASI" = 1 ] && echo true || echo false)" \
    --arg gcc "$(gcc -dumpfullversion)" \
    --arg clang "$(clang-19 --version | head -n 1)" \
    --arg node "$([ -n "$NODE" ] && "$NODE" --version || true)" \
    --arg wabt "$([ -n "$WASM_INTERP" ] && "$WASM_INTERP" --version || true)" \
    --arg hyperfine "$(hyperfine --version | cut -d' ' -f2)" \
    '{name: $name, date: $date, commit: $commit, source_dirty: $dirty,
      cpu: $cpu, cpus: ($cpus | tonumber), kernel: $kernel, loadavg_start: $load,
      quick: $quick, runs: $runs, wasmbox_wasi: $wasi,
      tools: {gcc: $gcc, clang: $clang, node: $node, wabt: $wabt, hyperfine: $hyperfine}}'
}

# raw.jsonl -> results.json: per cell median, min, max, ratio to native.
aggregate() {
  jq -n --slurpfile meta "$OUT/meta.json" "$JQ_LIB"'
    [inputs] as $lines
    | [$lines[] | select(.samples)
       | . + {median: (.samples | median), min: (.samples | min),
              max: (.samples | max), n: (.samples | length)}] as $r
    | ([$r[] | select(.engine == "native")
        | {key: "\(.category)/\(.bench)/\(.param)", value: .median}] | from_entries) as $nat
    | {meta: $meta[0],
       absent: [$lines[] | select(.absent)] | unique_by(.absent),
       results: [$r[] | ($nat["\(.category)/\(.bench)/\(.param)"]) as $n
                 | if $n and $n > 0 then . + {ratio: (.median / $n)} else . end]}' \
    "$RAW" >"$OUT/results.json"
}

# Markdown table of one category: a row per (bench, param), a column per
# engine; each cell "median [min-max] unit", then "x ratio" to native.
# md_category CATEGORY
md_category() {
  jq -r --arg c "$1" --argjson order "$ENGINE_ORDER" "$JQ_LIB"'
    [.results[] | select(.category == $c)] as $r
    | ($r | map(.engine) | unique
       | (map(select(. as $e | $order | index($e))) | sort_by(. as $e | $order | index($e)))
         + (map(select(. as $e | $order | index($e) | not)))) as $engines
    | (reduce ($r[] | {bench, param}) as $x ([]; if any(.[]; . == $x) then . else . + [$x] end)) as $rows
    | "| benchmark | " + ($engines | join(" | ")) + " |",
      "| --- |" + ($engines | map(" ---: |") | join("")),
      ($rows[] as $row
       | "| \($row.bench)\(if $row.param != "" then " " + $row.param else "" end) | "
         + ($engines | map(. as $e
             | ($r[] | select(.bench == $row.bench and .param == $row.param and .engine == $e))
               // null
             | if . == null then "" else
                 "\(.median | fmt) [\(.min | fmt)–\(.max | fmt)] \(.unit)"
                 + (if .ratio and .engine != "native" then " ×\(.ratio | fmt)" else "" end)
               end) | join(" | ")) + " |")' "$OUT/results.json"
}

# Geometric mean of the ratio to native over the compute workloads; and,
# when the start-up of each engine was measured (instantiation/startup
# trivial), the same with that fixed cost taken out of both sides.
md_geomean() {
  jq -r --argjson order "$ENGINE_ORDER" "$JQ_LIB"'
    [.results[] | select(.category == "execution" and (.bench | startswith("call-") | not)
                         and .ratio and .engine != "native")] as $r
    | ([.results[] | select(.category == "execution" and .engine == "native")
        | {key: .bench, value: .median}] | from_entries) as $nat
    | ([.results[] | select(.category == "instantiation" and .bench == "startup"
                            and .param == "trivial") | {key: .engine, value: .median}]
       | from_entries) as $st
    | def line(f): [$order[] as $e | ($r | map(select(.engine == $e) | f) | map(select(. != null))) as $x
                     | select($x | length > 0) | "\($e) ×\($x | geomean | fmt)"] | join(", ");
    if ($r | length) == 0 then empty else
      "Geometric mean of the ratio to native gcc -O2 over the workloads: " + line(.ratio) + ".",
      (if $st.native then
        "", "The same without each engine'"'"'s process start-up (its `startup trivial` median, native'"'"'s for native-clang) on either side: "
        + line((.median - ($st[.engine] // $st.native)) / ($nat[.bench] - $st.native)
               | if . > 0 then . else null end) + "."
       else empty end)
    end' "$OUT/results.json"
}

md_absent() {
  jq -r 'if (.absent | length) == 0 then empty else
           "Absent (not failures): " + (.absent | map("\(.absent) (\(.reason))") | join(", ")) + "."
         end' "$OUT/results.json"
}

# Writes a whitespace-separated data file for gnuplot.
# chart_data FILE JQ-FILTER (rows of arrays)
chart_data() {
  jq -r "$JQ_LIB$2 | map(if . == null then \"NaN\" else tostring end) | join(\" \")" \
    "$OUT/results.json" >"$1"
}

# gnuplot preamble of every chart: SVG, white background, light grid.
GP_COMMON='set terminal svg size 760,400 dynamic font "sans,11" background "white"
set grid ytics; set key top left; set border 3; set xtics nomirror; set ytics nomirror
# One colour per engine in every chart.
c_clang="#8c6bb1"; c_wasmbox="#1f77b4"; c_aot="#17becf"; c_node="#2ca02c"; c_interp="#ff7f0e"'

# Draws each category's charts: chart_CATEGORY, when the category file
# defines one, writes $OUT/CATEGORY.svg (data files go to $OUT/tmp).
charts() {
  if ! have gnuplot; then absent gnuplot "charts not drawn"; return 0; fi
  local c
  for c in "${CATEGORIES[@]}"; do
    if declare -F "chart_$c" >/dev/null && has_results "$c"; then
      "chart_$c" 2>"$OUT/tmp/gnuplot.err" ||
        { cat "$OUT/tmp/gnuplot.err" >&2; log "chart for $c failed"; rm -f "$OUT/$c.svg"; }
    fi
  done
}

# Baseline comparison as markdown: regressions and improvements beyond the
# noise (new median outside the old min-max range and more than 5% off).
md_compare() {
  jq -rn --slurpfile old "$BENCH/baselines/$BASE.json" --slurpfile new "$OUT/results.json" \
    --arg base "$BASE" "$JQ_LIB"'
    ($old[0].results | map({key: key, value: .}) | from_entries) as $o
    | [$new[0].results[] | key as $k | select($o[$k]) | . as $n | $o[$k] as $b
       | (if higher_better then -1 else 1 end) as $dir
       | (($n.median / $b.median - 1) * $dir) as $worse
       | {key: $k, unit: .unit, old: $b.median, new: $n.median,
          change: ($n.median / $b.median - 1),
          status: (if $worse > 0.05 and ($n.median > $b.max or $n.median < $b.min) then "regressed"
                   elif $worse < -0.05 and ($n.median > $b.max or $n.median < $b.min) then "improved"
                   else "same" end)}] as $c
    | "Compared with baseline `\($base)` (\($old[0].meta.date), commit \($old[0].meta.commit)"
      + (if $old[0].meta.quick != $new[0].meta.quick then "; WARNING: one run is --quick, the other is not" else "" end)
      + "): \($c | map(select(.status == "regressed")) | length) regressed, "
      + "\($c | map(select(.status == "improved")) | length) improved, "
      + "\($c | map(select(.status == "same")) | length) within noise.",
      "",
      (if ($c | map(select(.status != "same")) | length) > 0 then
        "| cell | baseline | now | change | |",
        "| --- | ---: | ---: | ---: | --- |",
        ($c[] | select(.status != "same")
         | "| \(.key) | \(.old | fmt) \(.unit) | \(.new | fmt) \(.unit) | \(.change * 100 | round)% | \(.status) |")
      else empty end)'
}

# report.md, with chart links under prefix ($1, default: the same folder).
md_report() {
  local p=${1:-}
  jq -r '.meta | "Run `\(.name)`: \(.date), commit \(.commit)\(if .source_dirty then " (with uncommitted changes)" else "" end); \(.cpu), \(.cpus) CPUs, Linux \(.kernel), load average at start \(.loadavg_start); \(if .quick then "--quick, " else "" end)\(.runs) runs per cell; wasmbox \(if .wasmbox_wasi then "runs the WASI builds" else "runs the import-free builds with --invoke run (no WASI yet)" end); gcc \(.tools.gcc), \(.tools.clang), node \(.tools.node), wabt \(.tools.wabt), hyperfine \(.tools.hyperfine)."' \
    "$OUT/results.json"
  echo
  echo "Cells: median [min–max] of the runs, and ×ratio to native where there is a native figure."
  md_absent
  local c
  for c in "${CATEGORIES[@]}"; do
    has_results "$c" || continue
    echo
    echo "### $c"
    echo
    case $c in
      execution) md_geomean; echo ;;
    esac
    md_category "$c"
    local svg=$c
    if [ -f "$OUT/$svg.svg" ]; then echo; echo "![$c]($p$svg.svg)"; fi
  done
  if [ -n "$BASE" ]; then
    echo
    echo "### Baseline"
    echo
    md_compare
  fi
}

report_all() {
  aggregate
  charts
  aggregate # again: charts() may have recorded gnuplot as absent
  md_report >"$OUT/report.md"
  if [ -n "$BASE" ]; then
    echo
    md_compare
  fi
}

# Charts to bench/report/, tables into BENCHMARKS.md between the markers.
publish() {
  local f=$ROOT/BENCHMARKS.md
  mkdir -p "$BENCH/report"
  cp "$OUT"/*.svg "$BENCH/report/" 2>/dev/null || true
  md_report bench/report/ >"$OUT/tmp.md"
  [ -f "$f" ] || die "no BENCHMARKS.md to publish into"
  grep -q '^<!-- results:begin -->$' "$f" || die "BENCHMARKS.md has no results markers"
  awk -v body="$OUT/tmp.md" '
    /^<!-- results:begin -->$/ { print; while ((getline l < body) > 0) print l; skip = 1; next }
    /^<!-- results:end -->$/ { skip = 0 }
    !skip' "$f" >"$f.new" && mv "$f.new" "$f"
  rm -f "$OUT/tmp.md"
  log "published charts to bench/report/ and tables to BENCHMARKS.md"
}
