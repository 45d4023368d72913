/* SPDX-License-Identifier: Apache-2.0 */
/*
** Common frame of the execution workloads. Each workload file defines
** `uint32_t wl_run(void)`, which does a fixed amount of work and returns a
** checksum of it. This header turns that into three programs:
**
**   native  (gcc -O2 -DWL_MAIN):               main() prints the checksum
**   WASI    (clang-19 wasm32-wasi -DWL_MAIN):  the same, through wasi-libc
**   bare    (clang-19 wasm32 -nostdlib):       no imports, export "run"
**                                              returns the checksum
**
** The work must not use libc (the bare build has none): only this header
** and the compiler's freestanding headers. WL_QUICK shrinks the work for
** `bench/run --quick`; the checksum then differs but still must agree
** between engines.
*/
#ifndef WL_WORKLOAD_H
#define WL_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef WL_QUICK
#define WL_REPS(n) ((n) / 4 > 0 ? (n) / 4 : 1)
#else
#define WL_REPS(n) (n)
#endif

/* Read at run time so that no compiler can fold the work away. */
static volatile uint32_t wl_seed = 0x9E3779B9u;

/* xorshift32: the workloads' deterministic input generator. */
static inline uint32_t wl_rand(uint32_t *s) {
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

/* Folds 64 bits (e.g. a double's bit pattern) into a checksum. */
static inline uint32_t wl_mix64(uint32_t h, uint64_t v) {
  h ^= (uint32_t)v + 0x9E3779B9u + (h << 6) + (h >> 2);
  h ^= (uint32_t)(v >> 32) + 0x9E3779B9u + (h << 6) + (h >> 2);
  return h;
}

static inline uint64_t wl_bits(double d) {
  union { double d; uint64_t u; } c = { d };
  return c.u;
}

#if defined(__wasm__) && !defined(WL_MAIN)
#define WL_ENTRY __attribute__((export_name("run")))
#else
#define WL_ENTRY
#endif

WL_ENTRY uint32_t wl_run(void);

#ifdef WL_MAIN
#include <stdio.h>
int main(void) {
  printf("%u\n", (unsigned)wl_run());
  return 0;
}
#endif

#endif
