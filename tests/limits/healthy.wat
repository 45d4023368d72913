;; A well-behaved module: the control case instantiated after every hostile
;; one to show the store (and the process) still compute correct results.
(module $healthy
  (memory 1)
  ;; Iterative Fibonacci: fib(30) = 832040.
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))
  ;; Writes i*i to bytes [4i, 4i+4) for i < n, then sums them back: a
  ;; memory round trip. sum_sq(100) = 328350.
  (func $sum_sq (export "sum_sq") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $w (loop $l
      (br_if $w (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.shl (local.get $i) (i32.const 2))
                 (i32.mul (local.get $i) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $i (i32.const 0))
    (block $r (loop $l
      (br_if $r (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s)
                             (i32.load (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
  ;; Recursion to a modest depth: depth(n) = n.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
                     (call $depth (i32.sub (local.get $n) (i32.const 1))))))))
