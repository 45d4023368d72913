;; 1024 initial pages = exactly 64 MiB: allowed under a 64 MiB limit, but
;; it cannot grow by a single page.
(module $mem_at_limit
  (memory 1024)
  (func $grow (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func $last (export "last") (result i32)
    (i32.store8 (i32.const 0x3ffffff) (i32.const 9))
    (i32.load8_u (i32.const 0x3ffffff))))
