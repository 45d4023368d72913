;; 2000 initial table elements: above a 1000-element store limit.
(module $bigtable
  (table 2000 funcref)
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
