#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# First interpreter figures: each workload in bench/workloads built natively
# with gcc -O2 and for wasm32 with clang-19 -O2, both timed by hyperfine
# (median of at least 5 runs), and the ratio interpreter / native printed.
# Usage: bench/interp-quick.sh [path/to/wasmbox]   (default build/release/wasmbox)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wasmbox=${1:-$here/../build/release/wasmbox}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

build() { # name exports...
  local name=$1; shift
  gcc -O2 -DNATIVE "$here/workloads/$name.c" -o "$out/$name"
  local flags=()
  for e in "$@"; do flags+=("-Wl,--export=$e"); done
  clang-19 --target=wasm32 -O2 -mbulk-memory -nostdlib -Wl,--no-entry "${flags[@]}" \
    "$here/workloads/$name.c" -o "$out/$name.wasm"
}

median() { # command... -> median seconds
  hyperfine --runs 5 --warmup 1 --export-json "$out/h.json" "$*" >/dev/null 2>&1
  python3 -c "import json;print(json.load(open('$out/h.json'))['results'][0]['median'])"
}

run() { # name export arg
  local n=$(median "$out/$1 $3") w=$(median "$wasmbox run $out/$1.wasm --invoke $2 $3")
  [ "$("$out/$1" "$3")" = "$("$wasmbox" run "$out/$1.wasm" --invoke "$2" "$3")" ] ||
    { echo "$1: results differ" >&2; exit 1; }
  printf '%-8s native %.3fs  wasmbox %.3fs  ratio %.1fx\n' "$1" "$n" "$w" \
    "$(python3 -c "print($w/$n)")"
}

build fib fib
build sieve sieve
run fib fib 35
run sieve sieve 50
