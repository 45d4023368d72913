/* SPDX-License-Identifier: Apache-2.0 */
/* Recursive Fibonacci: call-heavy. */
#ifdef NATIVE
#include <stdio.h>
#include <stdlib.h>
#endif

__attribute__((noinline)) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

#ifdef NATIVE
int main(int argc, char **argv) {
  printf("%d\n", fib(argc > 1 ? atoi(argv[1]) : 35));
  return 0;
}
#endif
