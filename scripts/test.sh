#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs dependencies, then builds and runs every test:
#   1. release preset: all ctest tests (unit, spec, regress)
#   2. asan preset: the same tests under AddressSanitizer + UBSan
#   3. tsan preset (clang-19): the multi-threaded tests under ThreadSanitizer
#      (the pool, the daemon's registry and metrics, WASI states used from
#      several threads; the guard-page fault
#      path conflicts with TSan's signal handling, so only tests that make
#      no out-of-bounds accesses run there)
#   4. fuzz preset (clang-19): the fuzz_smoke test (WB_FUZZ_SECONDS, 60 s)
# Every stage runs even if an earlier one failed; a summary comes last and
# the exit status is nonzero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh || exit 1

stages=()
results=()
failed=0

# stage NAME COMMAND...: runs a stage, recording whether it passed.
stage() {
  local name=$1
  shift
  echo
  echo "=== $name"
  if "$@"; then
    results+=("PASS  $name")
  else
    results+=("FAIL  $name")
    failed=$((failed + 1))
  fi
  stages+=("$name")
}

preset_tests() {
  local p=$1
  cmake --preset "$p" >/dev/null && cmake --build --preset "$p" && ctest --preset "$p"
}

fuzz_smoke() {
  cmake --preset fuzz -DWB_FUZZ_SECONDS="${WB_FUZZ_SECONDS:-60}" >/dev/null &&
    cmake --build --preset fuzz --target fuzz_module fuzz_corpus &&
    ctest --test-dir build/fuzz -R '^fuzz_smoke$' --output-on-failure
}

stage "release: build + ctest" preset_tests release
stage "asan: build + ctest (ASan+UBSan)" preset_tests asan
stage "tsan: thread-safety tests (ThreadSanitizer)" preset_tests tsan
stage "fuzz: fuzz_smoke (${WB_FUZZ_SECONDS:-60} s)" fuzz_smoke

echo
echo "=== summary"
printf '%s\n' "${results[@]}"
echo "stages: $((${#stages[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
