;; SPDX-License-Identifier: Apache-2.0
;; The smallest module with an entry point: process start-up cost.
(module
  (func (export "_start")))
