;; An active data segment that ends one byte past the memory.
(module $data_oob
  (memory 1)
  (data (i32.const 65535) "ab"))
