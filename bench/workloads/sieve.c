/* SPDX-License-Identifier: Apache-2.0 */
/* Sieve of Eratosthenes over 1 Mi flags, repeated: loop- and memory-heavy. */
#ifdef NATIVE
#include <stdio.h>
#include <stdlib.h>
#endif

static unsigned char flags[1 << 20];

unsigned int sieve(int reps) {
  unsigned int total = 0;
  for (int r = 0; r < reps; r++) {
    int n = 1 << 20, count = 0;
    for (int i = 0; i < n; i++) flags[i] = 1;
    for (int i = 2; i < n; i++) {
      if (flags[i]) {
        count++;
        for (int j = i + i; j < n; j += i) flags[j] = 0;
      }
    }
    total += count;
  }
  return total;
}

#ifdef NATIVE
int main(int argc, char **argv) {
  printf("%u\n", sieve(argc > 1 ? atoi(argv[1]) : 50));
  return 0;
}
#endif
