;; SPDX-License-Identifier: Apache-2.0
;; Functions that trap, to show how the CLI reports traps (exit status 134,
;; the trap's kind and message, then the wasm backtrace):
;;   wasmbox run build/release/examples/trap.wasm --invoke divzero
;;   wasmbox run build/release/examples/trap.wasm --invoke oob
(module
  (memory 1)

  (func $divide (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; 1 / 0 inside a helper, so the backtrace has two frames.
  (func (export "divzero") (result i32)
    (call $divide (i32.const 1) (i32.const 0)))

  ;; INT32_MIN / -1 does not fit in an i32.
  (func (export "overflow") (result i32)
    (call $divide (i32.const 0x80000000) (i32.const -1)))

  ;; A load just past the one 64 KiB page.
  (func (export "oob") (result i32)
    (i32.load (i32.const 65536)))

  (func (export "unreachable")
    (unreachable))

  ;; Unbounded recursion: "call stack exhausted".
  (func $recurse (export "recurse") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (local.get $n)))))
