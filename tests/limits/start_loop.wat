;; The start function never returns: instantiation itself must be stopped.
(module $start_loop
  (memory 1)
  (func $hang (loop $forever (br $forever)))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7)))
  (start $hang))
