#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs dependencies, builds the release preset and runs an example:
# the 30th Fibonacci number, computed by a recursive wasm function.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
echo '$ build/release/wasmbox run build/release/examples/fib.wasm --invoke fib 30'
exec build/release/wasmbox run build/release/examples/fib.wasm --invoke fib 30
