/* SPDX-License-Identifier: Apache-2.0 */
/* Hashing a 1 MiB buffer, 70 times: FNV-1a byte by byte and a multiply-rotate hash
   over 32-bit words; integer ALU and sequential loads. */
#include "workload.h"

#define SIZE (1 << 20)
static uint32_t buf[SIZE / 4];

static uint32_t fnv1a(const unsigned char *p, size_t n, uint32_t h) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t wordhash(const uint32_t *w, size_t n, uint32_t h) {
  for (size_t i = 0; i < n; i++) {
    uint32_t k = w[i] * 0xcc9e2d51u;
    k = rotl(k, 15) * 0x1b873593u;
    h = rotl(h ^ k, 13) * 5 + 0xe6546b64u;
  }
  return h ^ (h >> 16);
}

uint32_t wl_run(void) {
  uint32_t s = wl_seed, h = 2166136261u;
  for (size_t i = 0; i < SIZE / 4; i++) buf[i] = wl_rand(&s);
  for (uint32_t r = 0; r < WL_REPS(70); r++) {
    h = fnv1a((const unsigned char *)buf, SIZE, h);
    h = wordhash(buf, SIZE / 4, h);
    buf[r] ^= h; /* each round hashes different data */
  }
  return h;
}
