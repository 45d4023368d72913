;; A WASI reactor whose `_initialize` prints through fd_write: the snapshot
;; CLI links WASI (stdio only) for it; the import stays in the output.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (data (i32.const 64) "wasi init ran\n")
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 14))
    (global.set $n (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "q_errno") (result i32) (global.get $n))
  (func (export "q_written") (result i32) (i32.load (i32.const 8))))
