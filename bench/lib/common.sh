# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Common runner library of the benchmark suite, sourced by bench/run and by
# every category script in bench/categories/.
#
# A result is one JSON object per line in $RAW (raw.jsonl):
#   {"category","bench","param","engine","unit","samples":[...], "note"?}
# Every sample is one measurement (one process run for whole-program
# benchmarks, the mean of a calibrated inner loop for in-process ones).
# bench/lib/report.sh turns the lines into results.json (median, min, max,
# ratio to native), the markdown report and the charts. Units ending in
# "/s" are better when higher; every other unit is better when lower.
#
# Variables set by bench/run for the categories:
#   ROOT BENCH BUILD OUT RAW   repository, bench/, build dir, results dir
#   WASMBOX LIBWASMBOX         the binary and library under test
#   QUICK (0|1) RUNS           smoke-test mode; runs per cell
#   WASI (0|1)                 `wasmbox run` runs WASI programs
#   NODE WASM_INTERP           peer commands, empty when absent

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# Records that a peer or a measurement is absent (not a failure).
# absent ENGINE REASON
absent() {
  jq -cn --arg e "$1" --arg r "$2" '{absent: $e, reason: $r}' >>"$RAW"
  log "absent: $1 ($2)"
}

# Appends result lines (from wbbench or a peer script) read on stdin to
# $RAW, checking that each is JSON.
record_lines() {
  local line
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    jq -ce . <<<"$line" >>"$RAW" || die "bad result line: $line"
  done
}

# Times commands with hyperfine (no shell in between) and records each as
# a result in milliseconds, engine = the command's name.
# hf CATEGORY BENCH PARAM RUNS WARMUP NAME CMD [NAME CMD]...
# CMD is one string, split on spaces (paths must not contain spaces).
hf() {
  local category=$1 bench=$2 param=$3 runs=$4 warmup=$5
  shift 5
  local args=() json="$OUT/tmp/hf.json"
  while [ $# -ge 2 ]; do
    args+=(-n "$1" "$2")
    shift 2
  done
  # Its advice about outliers goes to a log: a shared machine is noisy, and
  # the min-max range in the report shows how much.
  hyperfine -N --style none --runs "$runs" --warmup "$warmup" \
    --export-json "$json" "${args[@]}" >"$OUT/tmp/hf.log" 2>&1 ||
    { cat "$OUT/tmp/hf.log" >&2; die "hyperfine failed for $category/$bench/$param"; }
  jq -c --arg c "$category" --arg b "$bench" --arg p "$param" '
    .results[] | {category: $c, bench: $b, param: $p, engine: .command,
                  unit: "ms", samples: [.times[] | . * 1000000 | round / 1000]}' \
    "$json" >>"$RAW"
}

# The i32 checksum printed by a run, as an unsigned decimal: accepts
# "123", "-5" and wasm-interp's "run() => i32:123".
checksum_of() {
  local s
  s=$("$@" 2>/dev/null | tail -n 1) || return 1
  s=${s##*i32:}
  [[ $s =~ ^-?[0-9]+$ ]] || return 1
  echo $(( s & 0xffffffff ))
}

# The wbbench harness and its node twin, with this run's sample count.
wbbench() { "$BUILD/wbbench" --samples "$RUNS" $([ "$QUICK" = 1 ] && echo --quick) "$@"; }
node_inproc() {
  "$NODE" --no-warnings --no-turbo-fast-api-calls "$BENCH/peers/node-inproc.mjs" \
    --samples "$RUNS" $([ "$QUICK" = 1 ] && echo --quick) "$@"
}

# True when results.json has results of category $1.
has_results() {
  jq -e --arg c "$1" 'any(.results[]; .category == $c)' "$OUT/results.json" >/dev/null
}

# True when the harness was built with command $1 (see bench/harness/bh.h:
# a file that does not build is left out); categories whose command is
# missing should call `absent` rather than fail.
wbbench_has() { "$BUILD/wbbench" --list | grep -x "$1" >/dev/null; }
