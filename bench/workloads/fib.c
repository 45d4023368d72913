/* SPDX-License-Identifier: Apache-2.0 */
/* Recursive Fibonacci: call-heavy (function entry, return, small frames). */
#include "workload.h"

__attribute__((noinline)) static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

uint32_t wl_run(void) {
#ifdef WL_QUICK
  uint32_t n = 33;
#else
  uint32_t n = 37;
#endif
  return fib(n + (wl_seed & 0)) ^ fib(20);
}
