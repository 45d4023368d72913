;; Host values: `init_ok` stores an imported host function in a funcref
;; table (expressible: it is import 1); `init_bad` stores a host externref
;; in a table and `init_badg` in a global (neither expressible).
(module
  (import "env" "ext" (func $ext (result externref)))
  (import "env" "hostf" (func $hostf (result i32)))
  (type $ret_i32 (func (result i32)))
  (table $f 2 funcref)
  (table $e 1 externref)
  (global $ge (mut externref) (ref.null extern))
  (elem declare func $hostf)
  (func (export "init_ok") (table.set $f (i32.const 0) (ref.func $hostf)))
  (func (export "init_bad") (table.set $e (i32.const 0) (call $ext)))
  (func (export "init_badg") (global.set $ge (call $ext)))
  (func (export "q_f0") (result i32) (call_indirect $f (type $ret_i32) (i32.const 0))))
