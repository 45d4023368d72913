;; A reactor: `_initialize` computes a table of squares in the second page
;; and sets a flag; no table, no passive segments, no data count section.
(module
  (memory (export "memory") 2)
  (global $ready (export "ready") (mut i32) (i32.const 0))
  (data (i32.const 8) "reactor")
  (func (export "_initialize")
    (local $i i32)
    (loop $l
      (i32.store (i32.add (i32.const 0x10000) (i32.shl (local.get $i) (i32.const 2)))
                 (i32.mul (local.get $i) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (global.set $ready (i32.const 1)))
  (func (export "q_ready") (result i32) (global.get $ready))
  (func (export "q_sq31") (result i32) (i32.load (i32.const 0x1007c)))
  (func (export "q_text") (result i64) (i64.load (i32.const 8)))
  (func (export "q_sum") (result i64)
    (local $i i32) (local $s i64)
    (loop $l
      (local.set $s (i64.add (local.get $s)
        (i64.extend_i32_u (i32.load (i32.add (i32.const 0x10000) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
    (local.get $s))
  (func (export "q_pages") (result i32) (memory.size)))
