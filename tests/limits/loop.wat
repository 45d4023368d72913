;; Guests that never finish on their own: they must be stopped by a deadline,
;; an interrupt or fuel.
(module $loop
  (func $spin (export "spin")
    (loop $forever (br $forever)))
  ;; An endless loop whose body is only calls: stops at function entry too.
  (func $nop)
  (func $spin_calls (export "spin_calls")
    (loop $forever (call $nop) (br $forever)))
  ;; Back-edges of other shapes: a br_table to the loop, and a br_if fused
  ;; with its comparison, and a br from inside an if.
  (func $spin_brtable (export "spin_brtable")
    (loop $forever (br_table $forever $forever (i32.const 1))))
  (func $spin_brif (export "spin_brif") (param $n i32)
    (loop $forever (br_if $forever (i32.lt_u (local.get $n) (i32.const 10)))))
  (func $spin_if (export "spin_if") (param $n i32)
    (loop $forever
      (if (i32.eqz (local.get $n)) (then (br $forever)) (else (br $forever)))))
  ;; Counts to n: a bounded loop, for fuel accounting.
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $i))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
