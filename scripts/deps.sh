#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs what wasmbox needs to build and test, on Debian 12, when missing.
# Idempotent: when every package is already installed it touches nothing.
set -euo pipefail

PACKAGES=(
  cmake ninja-build gcc pkg-config # build
  clang-19 lld-19 libclang-rt-19-dev  # the second compiler, libFuzzer, sanitizers
  wabt                             # wat2wasm for examples, wast2json for spec tests
  wasi-libc libclang-rt-19-dev-wasm32  # WASI guests (tests/wasi, benchmarks)
  libcjson-dev                     # JSON (spec test runner)
  libssl-dev                       # SHA-256 (AOT compile cache)
  libxxhash-dev                    # checksums of cached AOT objects
  hyperfine gnuplot-nox            # benchmarks and their charts
  jq                               # benchmark results (bench/run)
  libmicrohttpd-dev                # HTTP server (wasmbox serve)
  curl wrk                         # daemon tests and benchmarks
  patch                            # our patch to the QuickJS sources (guest/js)
)
# npm fetches the QuickJS sources (guest/js) and benchmark peers; Debian's
# nodejs/npm only when no node with npm is present already.
if ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for p in "${PACKAGES[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "deps.sh: missing packages (${missing[*]}) and no apt-get; install them by hand" >&2
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  SUDO=(sudo)
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
