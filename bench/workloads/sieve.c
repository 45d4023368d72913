/* SPDX-License-Identifier: Apache-2.0 */
/* Sieve of Eratosthenes over 1 Mi byte flags, 30 times: loop- and
   memory-heavy (byte loads and stores, strided writes). */
#include "workload.h"

#define N (1 << 20)
static unsigned char flags[N];

uint32_t wl_run(void) {
  uint32_t total = 0;
  for (uint32_t r = 0; r < WL_REPS(30) + (wl_seed & 0); r++) {
    uint32_t count = 0;
    for (uint32_t i = 0; i < N; i++) flags[i] = 1;
    for (uint32_t i = 2; i < N; i++) {
      if (!flags[i]) continue;
      count++;
      for (uint32_t j = i + i; j < N; j += i) flags[j] = 0;
    }
    total = total * 31 + count;
  }
  return total;
}
