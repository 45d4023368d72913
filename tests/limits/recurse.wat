;; Unbounded and bounded recursion.
(module $recurse
  ;; Never returns: each call makes one more frame.
  (func $down (export "down") (param $n i32) (result i32)
    (i32.add (i32.const 1) (call $down (i32.add (local.get $n) (i32.const 1)))))
  ;; Mutual recursion, so the backtrace alternates two names.
  (func $ping (export "ping") (param $n i32) (result i32)
    (call $pong (i32.add (local.get $n) (i32.const 1))))
  (func $pong (param $n i32) (result i32)
    (call $ping (i32.add (local.get $n) (i32.const 1))))
  ;; depth(n) recurses n deep and returns n.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
                     (call $depth (i32.sub (local.get $n) (i32.const 1)))))))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
