;; An active element segment that ends one element past the table.
(module $elem_oob
  (table 2 funcref)
  (func $f)
  (elem (i32.const 1) $f $f))
