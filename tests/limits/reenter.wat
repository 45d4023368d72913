;; Recursion through the host: rec(n) calls the host import, which calls
;; rec(n - 1) again through wb_func_call. Each level nests a host call and a
;; guest call on the native stack, so the guest controls how deep the
;; host's C stack goes; the engine must trap before it overflows.
(module $reenter
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
                     (call $reenter (i32.sub (local.get $n) (i32.const 1)))))))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
