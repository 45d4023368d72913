#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# End-to-end tests of the `wasmbox` command-line tool: outputs, exit
# statuses and messages.
#
#   tests/regress/cli.sh WASMBOX EXAMPLES_DIR
#
# WASMBOX is the built binary, EXAMPLES_DIR holds the assembled examples
# (build/<preset>/examples). Small extra modules are assembled with
# wat2wasm into a temporary directory. Prints one line per failure and
# "cli: N passed, M failed" at the end; exits 1 if anything failed.
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 WASMBOX EXAMPLES_DIR" >&2
  exit 2
fi
WASMBOX=$1
EX=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0

# shellcheck source=../lib/expect.sh
. "$(dirname "$0")/../lib/expect.sh"

# wat NAME TEXT: assembles TEXT into $TMP/NAME.wasm.
wat() {
  printf '%s\n' "$2" >"$TMP/$1.wat"
  if ! wat2wasm --debug-names "$TMP/$1.wat" -o "$TMP/$1.wasm"; then
    echo "cli.sh: could not assemble $1.wat" >&2
    exit 2
  fi
}

FIB=$EX/fib.wasm
TRAP=$EX/trap.wasm
LOOP=$EX/loop.wasm

# {====================== help, version, usage ======================}
expect help 0 '*' '' -- "$WASMBOX" --help
expect version 0 '*' '' -- "$WASMBOX" --version
expect no-command 1 '' 'usage:' -- "$WASMBOX"
expect unknown-command 1 '' "unknown command 'frobnicate'" -- "$WASMBOX" frobnicate
expect unknown-option 1 '' "unknown option '--frob'" -- "$WASMBOX" --frob
expect unknown-run-option 1 '' "unknown option '--frob'" -- "$WASMBOX" run "$FIB" --frob
expect run-no-file 1 '' 'missing FILE.wasm' -- "$WASMBOX" run
expect invoke-no-name 1 '' 'needs a NAME' -- "$WASMBOX" run "$FIB" --invoke

# {====================== run ======================}
expect fib30 0 832040 '' -- "$WASMBOX" run "$FIB" --invoke fib 30
expect fib-invoke-eq 0 55 '' -- "$WASMBOX" run "$FIB" --invoke=fib 10
expect fib-invoke-first 0 55 '' -- "$WASMBOX" run --invoke fib "$FIB" 10
expect fib-hex-arg 0 55 '' -- "$WASMBOX" run "$FIB" --invoke fib 0xa
expect fib-neg-arg 0 -3 '' -- "$WASMBOX" run "$FIB" --invoke fib -3
expect sum-squares 0 333332833333500000 '' -- "$WASMBOX" run "$LOOP" --invoke sum_squares 1000000
expect primes 0 78498 '' -- "$WASMBOX" run "$LOOP" --invoke primes 1000000
expect fib-missing-arg 1 '' 'expects 1 argument (i32), got 0' -- "$WASMBOX" run "$FIB" --invoke fib
expect fib-extra-arg 1 '' 'expects 1 argument' -- "$WASMBOX" run "$FIB" --invoke fib 1 2
expect fib-bad-arg 1 '' "cannot parse 'abc' as i32" -- "$WASMBOX" run "$FIB" --invoke fib abc
expect fib-big-arg 1 '' "cannot parse '4294967296' as i32" -- "$WASMBOX" run "$FIB" --invoke fib 4294967296
expect no-such-export 1 '' "no export named 'nope'" -- "$WASMBOX" run "$FIB" --invoke nope
expect no-entry 1 '' 'no _start export; use --invoke NAME' -- "$WASMBOX" run "$FIB"
expect args-without-invoke 1 '' 'needs --invoke' -- "$WASMBOX" run "$FIB" 30
expect missing-file 1 '' "$TMP/nonexistent.wasm: No such file or directory" -- \
  "$WASMBOX" run "$TMP/nonexistent.wasm" --invoke fib 1

printf '\0asm\1\0\0\0\1\5\1' >"$TMP/malformed.wasm" # type section cut short
printf 'not wasm at all' >"$TMP/garbage.wasm"
expect run-malformed 1 '' "$TMP/malformed.wasm: " -- "$WASMBOX" run "$TMP/malformed.wasm" --invoke f
expect run-garbage 1 '' "$TMP/garbage.wasm: " -- "$WASMBOX" run "$TMP/garbage.wasm" --invoke f

# {====================== traps ======================}
expect divzero 134 '' 'trap: integer divide by zero' -- "$WASMBOX" run "$TRAP" --invoke divzero
expect divzero-frame0 134 '' $'\n  #0 func[0] divide\n' -- "$WASMBOX" run "$TRAP" --invoke divzero
expect divzero-frame1 134 '' $'\n  #1 func[1] ?' -- "$WASMBOX" run "$TRAP" --invoke divzero
expect oob 134 '' 'out of bounds memory access' -- "$WASMBOX" run "$TRAP" --invoke oob
expect overflow 134 '' 'trap: integer overflow' -- "$WASMBOX" run "$TRAP" --invoke overflow
expect unreachable 134 '' 'trap: unreachable' -- "$WASMBOX" run "$TRAP" --invoke unreachable
expect recurse 134 '' 'call stack exhausted' -- "$WASMBOX" run "$TRAP" --invoke recurse 0
expect recurse-elided 134 '' $'more frames\n  #99990 func[5] recurse' -- "$WASMBOX" run "$TRAP" --invoke recurse 0

# {====================== values ======================}
wat values '(module
  (func (export "f32_tenth") (result f32) (f32.const 0.1))
  (func (export "f64_third") (result f64) (f64.div (f64.const 1) (f64.const 3)))
  (func (export "neg_zero") (result f64) (f64.const -0))
  (func (export "f32_nan") (result f32) (f32.const nan))
  (func (export "f64_neg_inf") (result f64) (f64.const -inf))
  (func (export "f64_big") (result f64) (f64.const 1e300))
  (func (export "i32_neg") (result i32) (i32.const -5))
  (func (export "i64_min") (result i64) (i64.const -9223372036854775808))
  (func (export "pair") (result i32 i64) (i32.const 1) (i64.const 2))
  (func (export "none"))
  (func (export "null_ref") (result funcref) (ref.null func))
  (func (export "id_i32") (param i32) (result i32) (local.get 0))
  (func (export "id_i64") (param i64) (result i64) (local.get 0))
  (func (export "id_f32") (param f32) (result f32) (local.get 0))
  (func (export "id_f64") (param f64) (result f64) (local.get 0)))'
V=$TMP/values.wasm
expect f32-tenth 0 0.1 '' -- "$WASMBOX" run "$V" --invoke f32_tenth
expect f64-third 0 0.3333333333333333 '' -- "$WASMBOX" run "$V" --invoke f64_third
expect neg-zero 0 -0 '' -- "$WASMBOX" run "$V" --invoke neg_zero
expect f32-nan 0 nan '' -- "$WASMBOX" run "$V" --invoke f32_nan
expect f64-neg-inf 0 -inf '' -- "$WASMBOX" run "$V" --invoke f64_neg_inf
expect f64-big 0 1e+300 '' -- "$WASMBOX" run "$V" --invoke f64_big
expect i32-neg 0 -5 '' -- "$WASMBOX" run "$V" --invoke i32_neg
expect i64-min 0 -9223372036854775808 '' -- "$WASMBOX" run "$V" --invoke i64_min
expect pair 0 $'1\n2' '' -- "$WASMBOX" run "$V" --invoke pair
expect none 0 '' '' -- "$WASMBOX" run "$V" --invoke none
expect null-ref 0 null '' -- "$WASMBOX" run "$V" --invoke null_ref
expect id-i32-unsigned 0 -1 '' -- "$WASMBOX" run "$V" --invoke id_i32 4294967295
expect id-i32-hex 0 -2147483648 '' -- "$WASMBOX" run "$V" --invoke id_i32 0x80000000
expect id-i64-hex 0 -1 '' -- "$WASMBOX" run "$V" --invoke id_i64 0xffffffffffffffff
expect id-f32-dec 0 1.5 '' -- "$WASMBOX" run "$V" --invoke id_f32 1.5
expect id-f32-hex 0 0.5 '' -- "$WASMBOX" run "$V" --invoke id_f32 0x1p-1
expect id-f64-neg-nan 0 -nan '' -- "$WASMBOX" run "$V" --invoke id_f64 -nan
expect id-f64-payload 0 nan:0x1 '' -- "$WASMBOX" run "$V" --invoke id_f64 nan:0x1
expect id-f64-inf 0 inf '' -- "$WASMBOX" run "$V" --invoke id_f64 inf
expect id-f64-bad 1 '' "cannot parse '1.5.2' as f64" -- "$WASMBOX" run "$V" --invoke id_f64 1.5.2

# {====================== entry points and linking ======================}
wat start '(module (global $g (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.const 1))) (start $init))'
expect start-only 0 '' '' -- "$WASMBOX" run "$TMP/start.wasm"
wat start_trap '(module (func $boom (unreachable)) (start $boom))'
expect start-trap 134 '' 'trap: unreachable' -- "$WASMBOX" run "$TMP/start_trap.wasm"
wat underscore_start '(module (func (export "_start")))'
expect underscore-start 0 '' '' -- "$WASMBOX" run "$TMP/underscore_start.wasm"
wat imports '(module (import "env" "f" (func)) (func (export "_start") (call 0)))'
expect link-error 1 '' "$TMP/imports.wasm: " -- "$WASMBOX" run "$TMP/imports.wasm"
expect link-error-names 1 '' "env" -- "$WASMBOX" run "$TMP/imports.wasm" --invoke _start
wat imports_only '(module (import "env" "g" (global i32)))'
expect link-before-no-entry 1 '' "$TMP/imports_only.wasm: " -- "$WASMBOX" run "$TMP/imports_only.wasm"
wat memexport '(module (memory (export "mem") 1))'
expect export-not-func 1 '' "export 'mem' is not a function" -- \
  "$WASMBOX" run "$TMP/memexport.wasm" --invoke mem

# {====================== WASI options (tests/wasi runs real programs) ======================}
# Grants are accepted and ignored for a module without WASI imports.
expect grants-non-wasi 0 55 '' -- "$WASMBOX" run --clock --random --allow-all --inherit-env \
  --env A=b --dir "$TMP" --dir-ro="$TMP::/x" "$FIB" --invoke fib 10
expect dir-no-value 1 '' '--dir needs HOST[::GUEST]' -- "$WASMBOX" run "$FIB" --dir
expect dir-ro-no-host 1 '' '--dir-ro needs HOST[::GUEST]' -- "$WASMBOX" run --dir-ro ::/g "$FIB"
expect env-no-equals 1 '' '--env needs NAME=VALUE' -- "$WASMBOX" run --env=NAME "$FIB"
expect env-no-name 1 '' '--env needs NAME=VALUE' -- "$WASMBOX" run --env =v "$FIB"
wat wasi_exit '(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 42))))'
expect wasi-proc-exit 42 '' '' -- "$WASMBOX" run "$TMP/wasi_exit.wasm"
expect dir-missing 1 '' "$TMP/nope: No such file or directory" -- \
  "$WASMBOX" run --dir "$TMP/nope" "$TMP/wasi_exit.wasm"
expect wasi-args-ok 42 '' '' -- "$WASMBOX" run "$TMP/wasi_exit.wasm" a b -- --c
wat wasi_write '(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "bad_iovec") (result i32)
    (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 100))
    (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func (export "bad_fd") (result i32)
    (call $w (i32.const 9) (i32.const 0) (i32.const 0) (i32.const 8))))'
expect wasi-fd-write 0 hi '' -- "$WASMBOX" run "$TMP/wasi_write.wasm"
expect wasi-efault 0 21 '' -- "$WASMBOX" run "$TMP/wasi_write.wasm" --invoke bad_iovec
expect wasi-ebadf 0 8 '' -- "$WASMBOX" run "$TMP/wasi_write.wasm" --invoke bad_fd
wat wasi_trap '(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
  (func $boom (drop (call $y)) (unreachable)) (export "_start" (func $boom)))'
expect wasi-trap 134 '' $'trap: unreachable: unreachable\n  #0 func[1] boom' -- \
  "$WASMBOX" run "$TMP/wasi_trap.wasm"

# {====================== limits ======================}
wat limits '(module (memory 1)
  (func $spin (export "spin") (loop (br 0)))
  (func (export "grow") (result i32)
    (loop (br_if 0 (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size))
  (func $deep (export "deep") (call $deep)))'
expect timeout 134 '' $'trap: interrupt: deadline exceeded\n  #0 func[0] spin' -- \
  "$WASMBOX" run --timeout 50ms "$TMP/limits.wasm" --invoke spin
expect fuel 134 '' 'trap: out of fuel: all fuel consumed' -- \
  "$WASMBOX" run --fuel 100000 "$TMP/limits.wasm" --invoke spin
expect max-memory 0 1024 '' -- "$WASMBOX" run --max-memory 64M "$TMP/limits.wasm" --invoke grow
expect max-memory-eq 0 16 '' -- "$WASMBOX" run --max-memory=1M "$TMP/limits.wasm" --invoke grow
expect max-stack 134 '' 'trap: stack overflow: call stack exhausted' -- \
  "$WASMBOX" run --max-stack 64K "$TMP/limits.wasm" --invoke deep
expect bad-timeout 1 '' '--timeout needs a duration' -- \
  "$WASMBOX" run --timeout 5parsecs "$TMP/limits.wasm" --invoke spin
expect bad-max-memory 1 '' '--max-memory needs a size' -- \
  "$WASMBOX" run --max-memory lots "$TMP/limits.wasm" --invoke grow

# {====================== engines ======================}
# The AOT tier, with a private cache: compile, then run from the cache; auto
# (interpreter first, AOT once ready) gives the same results.
export WASMBOX_CACHE=$TMP/aot-cache
expect compile 0 '' '' -- "$WASMBOX" compile "$FIB"
expect compile-out 0 '' '' -- "$WASMBOX" compile "$FIB" -o "$TMP/fib.so"
expect compile-out-file 0 '' '' -- test -s "$TMP/fib.so"
expect aot-fib 0 6765 '' -- "$WASMBOX" run --engine aot "$FIB" --invoke fib 20
expect auto-fib 0 6765 '' -- "$WASMBOX" run --engine auto "$FIB" --invoke fib 20
expect aot-trap 134 '' 'trap: integer divide by zero' -- \
  "$WASMBOX" run --engine aot "$EX/trap.wasm" --invoke divzero
expect aot-timeout 134 '' 'trap: interrupt: deadline exceeded' -- \
  "$WASMBOX" run --engine aot --timeout 50ms "$TMP/limits.wasm" --invoke spin
expect bad-engine 1 '' 'engine' -- "$WASMBOX" run --engine jit "$FIB" --invoke fib 20

# A damaged cached object is compiled again, never loaded: flipped bytes,
# a truncated file, and another module's intact object (with its record)
# under this module's name. Compiling is deterministic, so each time the
# object must come back byte for byte.
aot_damage() { # NAME COMMAND...: damages fib's object with COMMAND, then runs fib
  local name=$1
  shift
  "$@"
  expect "aot-$name" 0 6765 '' -- "$WASMBOX" run --engine aot "$FIB" --invoke fib 20
  expect "aot-$name-redone" 0 '' '' -- cmp -s "$TMP/fib-good.so" "$FIB_SO"
}
export WASMBOX_CACHE=$TMP/aot-cache-damage
"$WASMBOX" compile "$FIB"
FIB_SO=$(echo "$WASMBOX_CACHE"/*.so)
cp "$FIB_SO" "$TMP/fib-good.so"
aot_damage flipped dd if=/dev/urandom of="$FIB_SO" bs=1 seek=2000 count=16 conv=notrunc status=none
aot_damage truncated truncate -s 3000 "$FIB_SO"
WASMBOX_CACHE=$TMP/aot-cache-other "$WASMBOX" compile "$TRAP"
aot_damage swapped eval 'cp "$TMP"/aot-cache-other/*.so "$FIB_SO" &&
  cp "$TMP"/aot-cache-other/*.sum "${FIB_SO%.so}.sum"'

# A large module is cut into C files compiled apart; a tiny unit size cuts
# this one into one file per function: calls forward and backward across
# files, and a thunk (the table's) in another file than the descriptor.
wat units '(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref) (elem (i32.const 0) $sq)
  (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $fwd (local.get 0)) (call_indirect (type $t) (local.get 0) (i32.const 0))))
  (func $fwd (param i32) (result i32) (call $twice (local.get 0)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))'
export WASMBOX_CACHE=$TMP/aot-cache-units
expect aot-units 0 63 '' -- env WASMBOX_AOT_UNIT_BYTES=1 WASMBOX_AOT_KEEP_C=1 \
  "$WASMBOX" run --engine aot "$TMP/units.wasm" --invoke run 7
expect aot-units-files 0 '5' '' -- sh -c 'ls "$WASMBOX_CACHE"/tmp-*/unit*.c | wc -l'

# call_indirect (aot-call-indirect.wat): the instance's own functions are
# called directly, a host function through the runtime; the traps are the
# interpreter's. Each case runs in both tiers.
if wat2wasm --debug-names "$(dirname "$0")/aot-call-indirect.wat" -o "$TMP/ci.wasm"; then
  export WASMBOX_CACHE=$TMP/aot-cache-ci
  ci() { # NAME RC STDOUT STDERR ARGS...: runs export ARGS in both tiers
    local name=$1 rc=$2 out=$3 err=$4
    shift 4
    for engine in aot interp; do
      expect "ci-$engine-$name" "$rc" "$out" "$err" -- \
        "$WASMBOX" run --engine $engine "$TMP/ci.wasm" --invoke "$@"
    done
  }
  ci inc 0 6 '' call 0 5
  ci dbl 0 10 '' call 1 5
  ci host 0 0 '' host
  ci host-typed 0 0 '' call_r 2
  ci multi 0 21182 '' multi 7
  ci sum 0 28.5 '' sum 3
  ci table2 0 18 '' call_u 9
  ci set 0 8 '' set_then_call 4
  ci grow 0 5 '' grow_then_call 4
  ci mismatch-host 134 '' 'indirect call type mismatch' call 2 5
  ci mismatch-own 134 '' 'indirect call type mismatch' call_r 0
  ci null 134 '' 'uninitialized element' call 5 5
  ci null-r 134 '' 'uninitialized element' call_r 6
  ci past-end 134 '' 'undefined element' call 8 5
  ci far 134 '' 'undefined element' call 4294967295 5
  ci recurse 134 '' 'call stack exhausted' recurse
  # The direct call is in the generated code (kept C of a fresh compile).
  export WASMBOX_CACHE=$TMP/aot-cache-ci-c
  WASMBOX_AOT_KEEP_C=1 "$WASMBOX" compile "$TMP/ci.wasm"
  expect ci-direct-call 0 '*' '' -- grep -q 'cf_->direct)(c, ' "$WASMBOX_CACHE"/tmp-*/unit0.c
else
  echo "cli.sh: could not assemble aot-call-indirect.wat" >&2
  failed=$((failed + 1))
fi
unset WASMBOX_CACHE

# {====================== validate ======================}
expect validate-ok 0 '' '' -- "$WASMBOX" validate "$FIB"
expect validate-malformed 1 '' 'at byte offset 0x' -- "$WASMBOX" validate "$TMP/malformed.wasm"
expect validate-prefix 1 '' "wasmbox: $TMP/malformed.wasm: " -- "$WASMBOX" validate "$TMP/malformed.wasm"
expect validate-missing 1 '' 'No such file or directory' -- "$WASMBOX" validate "$TMP/nope.wasm"
expect validate-extra-arg 1 '' "unexpected argument" -- "$WASMBOX" validate "$FIB" extra
# Well-formed but invalid: i32.add on an empty stack.
printf '\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\n\5\1\3\0\x6a\x0b' >"$TMP/invalid.wasm"
expect validate-invalid 1 '' 'type mismatch' -- "$WASMBOX" validate "$TMP/invalid.wasm"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
