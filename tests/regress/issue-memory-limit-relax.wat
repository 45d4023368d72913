;; Issue: raising or removing a store's memory limit does not reach
;; memories that already exist.
;;
;; Host: instantiate; call grow(9) -> 1; wb_store_limits_set(max_memory_bytes
;; = 12 pages); grow(2) -> 10; grow(1) -> -1 (right); then
;; wb_store_limits_set(max_memory_bytes = 14 pages, or 0 for no limit) and
;; call grow(2).
;;
;; Expected: 12 (wasmbox.h: the limits apply "for the growth of every memory
;;           and table in it"; tables do follow a raised limit).
;; Actual:   -1: rt_memory_limit overwrites mem->max with the lower limit,
;;           and a later, larger limit (or 0) never restores it from the
;;           declared maximum (decl_max/has_max) as rt_table_limit does.
;; Covered by tests/limits (case "grow bomb", section "grow/no limit").
(module
  (memory 1)
  (func $grow (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0))))
