;; Issue: guest -> host -> guest recursion overflows the host's C stack.
;;
;; Host: define "host" "reenter" (i32) -> i32 as a callback that calls the
;; export "rec" again with wb_func_call(wb_caller_store(caller), rec, ...)
;; and returns its trap. Then call rec(-1) with the default config.
;;
;; Expected: wb_func_call returns a WB_TRAP_STACK_EXHAUSTED trap.
;; Actual:   SIGSEGV (ASan: stack-overflow in run_plain/rt_invoke): each
;;           level nests call_host -> wb_func_call -> rt_invoke -> run_plain
;;           on the native stack, and the only bound is max_call_depth
;;           (100000 wasm frames), far more than 8 MiB of C stack holds;
;;           it crashes even with wb_config_max_call_depth_set(cfg, 10000).
;; The guest chooses the depth, so a guest can kill any host whose imports
;; call back into it. Covered by tests/limits (case "re-entrancy"), which
;; runs it in a child process.
(module
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
                     (call $reenter (i32.sub (local.get $n) (i32.const 1))))))))
