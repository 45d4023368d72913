;; 2048 initial pages = 128 MiB: above a 64 MiB store limit.
(module $bigmem
  (memory 2048)
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
