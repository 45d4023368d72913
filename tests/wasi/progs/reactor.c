/* SPDX-License-Identifier: Apache-2.0 */
/* A reactor: _initialize runs the constructors, then exports are called. */
#include <stdio.h>

static int base;

__attribute__((constructor)) static void init(void) { base = 1000; }

__attribute__((export_name("add"))) int add(int a, int b) {
  printf("add(%d, %d)\n", a, b);
  fflush(stdout);
  return base + a + b;
}
