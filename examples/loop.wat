;; SPDX-License-Identifier: Apache-2.0
;; Loop-heavy examples: arithmetic in a tight loop, and a sieve in memory.
;;   wasmbox run build/release/examples/loop.wasm --invoke sum_squares 1000000
;;   wasmbox run build/release/examples/loop.wasm --invoke primes 1000000   # 78498
(module
  (memory 1)

  ;; Sum of i*i for i in [0, n), in i64 (wraps on overflow).
  (func (export "sum_squares") (param $n i32) (result i64)
    (local $i i32) (local $acc i64) (local $x i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i64.extend_i32_u (local.get $i)))
        (local.set $acc (i64.add (local.get $acc) (i64.mul (local.get $x) (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Number of primes below n (Sieve of Eratosthenes, one byte per number).
  ;; Grows memory to n bytes; returns -1 if it cannot.
  (func (export "primes") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32) (local $need i32)
    ;; pages needed = ceil(n / 65536), grown past the current size
    (local.set $need
      (i32.sub (i32.shr_u (i32.add (local.get $n) (i32.const 65535)) (i32.const 16))
               (memory.size)))
    (if (i32.gt_s (local.get $need) (i32.const 0))
      (then
        (if (i32.eq (memory.grow (local.get $need)) (i32.const -1))
          (then (return (i32.const -1))))))
    ;; every byte 1 = "maybe prime", 0 and 1 are not
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            ;; strike multiples from i*i (in i64 to avoid wrapping)
            (if (i64.lt_u (i64.mul (i64.extend_i32_u (local.get $i))
                                   (i64.extend_i32_u (local.get $i)))
                          (i64.extend_i32_u (local.get $n)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $struck
                  (loop $strike
                    (br_if $struck (i32.ge_u (local.get $j) (local.get $n)))
                    (i32.store8 (local.get $j) (i32.const 0))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $strike)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $count)))
