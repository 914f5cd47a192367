;; Recursive Fibonacci on i32, the shape of WASM3's fib benchmark:
;; fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2).
;; Executed instructions: 5 per call with n < 2 (local.get, i32.const, i32.lt_u, if, local.get)
;; and 13 per call with n >= 2 (those 4, then 2 x (local.get, i32.const, i32.sub, call), i32.add).
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    local.get $n
    i32.const 2
    i32.lt_u
    if (result i32)
      local.get $n
    else
      local.get $n
      i32.const 1
      i32.sub
      call $fib
      local.get $n
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end))
