;; aot-diff-1 (found by tests/fuzz/fuzz_diff): a memory out-of-bounds trap
;; in the interpreter refunds the fuel the call had used.
;;
;; Host: wb_store_fuel_set(store, 100); call "oob" -> trap "memory out of
;; bounds"; wb_store_fuel_get(store).
;;
;; Expected: 97, as the AOT tier gives, and as the interpreter gives for a
;;           trap it raises itself ("div": 96 left, the same in both tiers).
;; Actual:   100 with WB_ENGINE_INTERP. src/interp/loop.h keeps fuel in a
;;           register and writes it back (SAVE_FUEL) on return, host calls
;;           and do_trap; a fault in the guard region leaves through the
;;           signal handler's siglongjmp, which skips SAVE_FUEL, so
;;           ex->fuel keeps the value it had when the call (or the last
;;           host call) began. A guest that ends every call with an
;;           out-of-bounds access is never charged.
(module
  (memory 1)
  (func (export "oob") (result i32) (i32.load (i32.const 65536)))
  (func (export "div") (result i32) (i32.div_u (i32.const 1) (i32.const 0)))
  (func (export "ok") (result i32) (i32.load (i32.const 0))))
