;; SPDX-License-Identifier: Apache-2.0
;; One page of memory and its growth (wbbench footprint and grow).
(module
  (memory (export "memory") 1)
  ;; Writes to the page, as any real instance would.
  (func (export "touch") (i32.store (i32.const 0) (i32.const 1)))
  ;; count grows by delta pages; returns how many succeeded.
  (func (export "grow_loop") (param $delta i32) (param $count i32) (result i32)
    (local $ok i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (if (i32.ne (memory.grow (local.get $delta)) (i32.const -1))
          (then (local.set $ok (i32.add (local.get $ok) (i32.const 1)))))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next)))
    (local.get $ok))
  ;; Grows by delta pages until refused; returns the final size in pages.
  (func (export "grow_until") (param $delta i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eq (memory.grow (local.get $delta)) (i32.const -1)))
        (br $next)))
    (memory.size))
  (func (export "grow") (param $delta i32) (result i32)
    (memory.grow (local.get $delta)))
  (func (export "_start")))
