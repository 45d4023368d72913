/* SPDX-License-Identifier: Apache-2.0 */
/* Exit paths: exit(N) with buffered output flushed, _Exit(N), trapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int depth(int n) {
  if (n == 0) __builtin_trap();
  return depth(n - 1) + 1;
}

int main(int argc, char **argv) {
  if (argc < 2) return 0;
  if (strcmp(argv[1], "exit") == 0) {
    printf("buffered before exit"); /* no newline: exit must flush it */
    exit(argc > 2 ? atoi(argv[2]) : 0);
  }
  if (strcmp(argv[1], "_Exit") == 0) _Exit(atoi(argv[2]));
  if (strcmp(argv[1], "trap") == 0) return depth(3);
  return 99;
}
