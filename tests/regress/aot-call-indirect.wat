;; aot-call-indirect: call_indirect in AOT code calls the instance's own
;; compiled functions directly (typed C call, no cells, no runtime
;; callback) and leaves everything else to the runtime: host functions,
;; other instances' functions, and the traps. Run by tests/regress/cli.sh
;; (AOT part) through `wasmbox run --engine aot --invoke`; every export
;; must give the same result in the interpreter.
;;
;; Table layout (t, 8 slots): 0 $inc, 1 $dbl, 2 the WASI host function
;; sched_yield (() -> i32, returns 0), 3 $multi, 4 $sum, 5..7 null.
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (type $ii (func (param i32) (result i32)))
  (type $r (func (result i32)))
  (type $multi (func (param i64 f64 f32) (result f64 i64 i32)))
  (type $sum (func (param i32 i64 f32 f64 i32) (result f64)))
  (table $t 8 funcref)
  (table $u 1 funcref)
  (elem (table $t) (i32.const 0) func $inc $dbl $yield $multi $sum)
  (elem (table $u) (i32.const 0) func $dbl)
  (elem declare func $rec)

  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  ;; Several results: they come back through the out-pointer.
  (func $multi (type $multi)
    (f64.add (local.get 1) (f64.promote_f32 (local.get 2)))
    (i64.mul (local.get 0) (i64.const 3))
    (i32.wrap_i64 (local.get 0)))
  ;; Mixed parameter types, in order.
  (func $sum (type $sum)
    (f64.add
      (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
      (f64.add (f64.promote_f32 (local.get 2))
               (f64.mul (local.get 3) (f64.convert_i32_s (local.get 4))))))

  ;; t[i](x) with type $ii: fast path for 0 and 1; traps for the others.
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect $t (type $ii) (local.get 1) (local.get 0)))
  ;; The host function through the table (slow path).
  (func (export "host") (result i32) (call_indirect $t (type $r) (i32.const 2)))
  ;; t[i]() with type $r: a type mismatch for every function but the host's.
  (func (export "call_r") (param i32) (result i32)
    (call_indirect $t (type $r) (local.get 0)))
  ;; (f64, i64, i32) of $multi(x, 1.5, 0.25), folded into one i64.
  (func (export "multi") (param i64) (result i64)
    (local $f f64) (local $l i64) (local $w i32)
    (call_indirect $t (type $multi) (local.get 0) (f64.const 1.5) (f32.const 0.25) (i32.const 3))
    (local.set $w) (local.set $l) (local.set $f)
    (i64.add (i64.trunc_f64_s (f64.mul (local.get $f) (f64.const 100)))
             (i64.add (i64.mul (local.get $l) (i64.const 1000)) (i64.extend_i32_u (local.get $w)))))
  (func (export "sum") (param i32) (result f64)
    (call_indirect $t (type $sum)
      (local.get 0) (i64.const 20) (f32.const 0.5) (f64.const 1.25) (i32.const 4) (i32.const 4)))
  ;; A second table.
  (func (export "call_u") (param i32) (result i32)
    (call_indirect $u (type $ii) (local.get 0) (i32.const 0)))
  ;; Tables change under running code: table.set, then the new entry.
  (func (export "set_then_call") (param i32) (result i32)
    (table.set $t (i32.const 5) (ref.func $dbl))
    (call_indirect $t (type $ii) (local.get 0) (i32.const 5)))
  ;; table.grow moves the element array: the new slot must be seen.
  (func (export "grow_then_call") (param i32) (result i32)
    (drop (table.grow $t (ref.func $inc) (i32.const 100)))
    (call_indirect $t (type $ii) (local.get 0) (i32.const 107)))
  ;; Unbounded recursion through the table: the callee's entry check
  ;; still stops it (stack exhausted), fast path or not.
  (func $rec (type $ii)
    (i32.add (i32.const 1)
      (call_indirect $t (type $ii) (local.get 0) (local.get 0))))
  (func (export "recurse") (result i32)
    (table.set $t (i32.const 6) (ref.func $rec))
    (call $rec (i32.const 6))))
