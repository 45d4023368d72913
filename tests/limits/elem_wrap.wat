;; An element segment at offset 0xFFFFFFFF: offset + length wraps 32 bits.
(module $elem_wrap
  (table 2 funcref)
  (func $f)
  (elem (i32.const -1) $f))
