;; Calls into another instance (bounds.wat, linked as "bounds"): a trap
;; there unwinds through both instances, and both must be poisoned.
(module $chain
  (import "bounds" "load8" (func $load8 (param i32) (result i32)))
  (func $via (export "via") (param i32) (result i32)
    (call $load8 (local.get 0)))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
