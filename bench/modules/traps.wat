;; SPDX-License-Identifier: Apache-2.0
;; Functions that trap, each called with 0 (wbbench trap, node-inproc.mjs).
(module
  (memory 1)
  (func (export "ok") (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))
  (func (export "divzero") (param $x i32) (result i32)
    (i32.div_s (i32.const 1) (local.get $x)))
  ;; Far past the single page: the access faults in the guard region.
  (func (export "oob") (param $x i32) (result i32)
    (i32.load (i32.add (local.get $x) (i32.const 0x7ffffff0))))
  (func (export "unreachable") (param $x i32) (result i32)
    (unreachable))
  (func (export "empty"))
  (func (export "_start")))
