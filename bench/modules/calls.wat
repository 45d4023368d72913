;; SPDX-License-Identifier: Apache-2.0
;; Host-to-wasm call overhead (wbbench call, peers/node-inproc.mjs).
(module
  (func (export "empty"))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "_start")))
