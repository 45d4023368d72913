;; SPDX-License-Identifier: Apache-2.0
;; The limits category: a tight loop to stop, and an empty export.
(module
  (func (export "spin") (loop (br 0)))
  (func (export "empty")))
