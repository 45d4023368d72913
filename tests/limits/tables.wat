;; Table traps: out-of-bounds get/set/fill/copy, call_indirect past the end,
;; through a null entry and with the wrong signature; table.grow bombs.
(module $tables
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (table $t 4 10 funcref)
  (table $g 0 funcref)
  ;; Entries 0 and 1 are set; 2 and 3 stay null.
  (elem (table $t) (i32.const 0) func $hundred $square)
  (func $hundred (type $v_i) (i32.const 100))
  (func $square (type $i_i) (i32.mul (local.get 0) (local.get 0)))
  ;; Calls entry i as a () -> i32 function.
  (func $call (export "call") (param $i i32) (result i32)
    (call_indirect $t (type $v_i) (local.get $i)))
  ;; Calls entry i as an (i32) -> i32 function with argument 9.
  (func $call1 (export "call1") (param $i i32) (result i32)
    (call_indirect $t (type $i_i) (i32.const 9) (local.get $i)))
  (func $is_null (export "is_null") (param $i i32) (result i32)
    (ref.is_null (table.get $t (local.get $i))))
  (func $set_null (export "set_null") (param $i i32)
    (table.set $t (local.get $i) (ref.null func)))
  (func $fill (export "fill") (param $i i32) (param $n i32)
    (table.fill $t (local.get $i) (ref.null func) (local.get $n)))
  (func $copy (export "copy") (param $d i32) (param $s i32) (param $n i32)
    (table.copy $t $t (local.get $d) (local.get $s) (local.get $n)))
  (func $size (export "size") (result i32) (table.size $t))
  ;; Grows table $g by 1000 until refused; returns its final size.
  (func $bomb (export "bomb") (result i32)
    (block $refused (loop $again
      (br_if $refused (i32.eq (table.grow $g (ref.null func) (i32.const 1000))
                              (i32.const -1)))
      (br $again)))
    (table.size $g))
  (func $grow (export "grow") (param $n i32) (result i32)
    (table.grow $g (ref.null func) (local.get $n)))
  (func $healthy (export "healthy") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7))))
