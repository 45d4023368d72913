;; Init writes, then traps: no template, no snapshot.
(module
  (memory 1)
  (func (export "wizer.initialize")
    (i32.store (i32.const 0) (i32.const 1))
    (unreachable)))
