/* SPDX-License-Identifier: Apache-2.0 */
/* Dense matrix multiply, 160x160 doubles, i-k-j order: floating-point
   multiply-add over rows, 2-D indexing. */
#include "workload.h"

#define N 160
static double a[N][N], b[N][N], c[N][N];

uint32_t wl_run(void) {
  uint32_t s = wl_seed, h = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (double)(wl_rand(&s) % 1000) / 100.0 - 5.0;
      b[i][j] = (double)(wl_rand(&s) % 1000) / 250.0 - 2.0;
    }
  for (uint32_t r = 0; r < WL_REPS(20); r++) {
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) c[i][j] = 0;
      for (int k = 0; k < N; k++) {
        double aik = a[i][k];
        for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
      }
    }
    double tr = 0;
    for (int i = 0; i < N; i++) tr += c[i][i] + c[i][N - 1 - i];
    h = wl_mix64(h, wl_bits(tr));
    a[r % N][(r * 7) % N] += 1.0; /* the next round differs */
  }
  return h;
}
