;; memory.grow bombs: a store limit must make growth fail with -1.
(module $grow
  (memory 1)
  ;; Grows by one page until refused; returns the final size in pages.
  (func $bomb (export "bomb") (result i32)
    (block $refused (loop $again
      (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (br $again)))
    (memory.size))
  (func $grow (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func $size (export "size") (result i32) (memory.size))
  ;; Touches the last byte of the memory as it stands: in bounds, returns it.
  (func $touch_last (export "touch_last") (result i32)
    (local $end i32)
    (local.set $end (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 1)))
    (i32.store8 (local.get $end) (i32.const 0x5a))
    (i32.load8_u (local.get $end)))
  (func $load (export "load") (param i32) (result i32)
    (i32.load8_u (local.get 0)))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
