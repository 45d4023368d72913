/* SPDX-License-Identifier: Apache-2.0 */
/* Sorting 200,000 pseudo-random 32-bit keys with a hand-written quicksort
   (median of three, insertion sort below 16): compares, swaps, branches,
   recursion. */
#include "workload.h"

#define N 200000
static uint32_t v[N];

static void insertion(uint32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t x = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; }
    a[j + 1] = x;
  }
}

static void swap(uint32_t *a, uint32_t *b) { uint32_t t = *a; *a = *b; *b = t; }

static void quicksort(uint32_t *a, long n) {
  while (n > 16) {
    long m = n / 2;
    if (a[m] < a[0]) swap(&a[m], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[m]) swap(&a[n - 1], &a[m]);
    uint32_t p = a[m];
    long i = 0, j = n - 1;
    for (;;) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i >= j) break;
      swap(&a[i++], &a[j--]);
    }
    /* recurse into the smaller half, loop on the larger */
    if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
    else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
  }
  insertion(a, n);
}

uint32_t wl_run(void) {
  uint32_t s = wl_seed, h = 0;
  for (uint32_t r = 0; r < WL_REPS(11); r++) {
    for (long i = 0; i < N; i++) v[i] = wl_rand(&s);
    quicksort(v, N);
    for (long i = 0; i < N; i += 97) h = h * 31 + v[i];
    for (long i = 1; i < N; i++) if (v[i - 1] > v[i]) return 0; /* unsorted */
  }
  return h;
}
