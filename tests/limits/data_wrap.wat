;; A data segment at offset 0xFFFFFFFF: offset + length wraps 32 bits.
(module $data_wrap
  (memory 1)
  (data (i32.const -1) "a"))
