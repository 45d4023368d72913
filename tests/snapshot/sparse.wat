;; More non-zero runs (16384: one byte every 64) than the snapshot writer
;; emits data segments for: it must fall back to coarser runs.
(module
  (memory 16)
  (func (export "wizer.initialize")
    (local $a i32)
    (loop $l
      (i32.store8 (local.get $a) (i32.add (i32.shr_u (local.get $a) (i32.const 6)) (i32.const 1)))
      (local.set $a (i32.add (local.get $a) (i32.const 64)))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 0x100000)))))
  (func (export "q_sum") (result i64)
    (local $a i32) (local $s i64)
    (loop $l
      (local.set $s (i64.add (local.get $s)
        (i64.mul (i64.extend_i32_u (i32.load8_u (local.get $a))) (i64.extend_i32_u (local.get $a)))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $a) (i32.const 0x100000))))
    (local.get $s))
  (func (export "q_last") (result i32) (i32.load8_u (i32.const 0xfffc0))))
