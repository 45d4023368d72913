;; Issue: wb_store_deadline_set(store, UINT64_MAX) interrupts at once.
;;
;; Host: wb_store_deadline_set(store, UINT64_MAX); call count(3000000).
;;
;; Expected: 3000000 (a timeout that can never pass is no deadline).
;; Actual:   WB_TRAP_INTERRUPT "deadline exceeded": rt_deadline_arm computes
;;           now_ns() + timeout_ns, which wraps to a time in the past, so
;;           the watchdog fires immediately. Any timeout_ns above
;;           UINT64_MAX - now_ns() does the same (saturate the sum).
;; Covered by tests/limits (case "deadline").
(module
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $i)))
