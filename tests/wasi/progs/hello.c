/* SPDX-License-Identifier: Apache-2.0 */
/* stdout and stderr, printf and puts, argv, the exit status of main. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  puts("hello from wasi");
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  fprintf(stderr, "to stderr\n");
  printf("%d %.3f %s %c %x\n", 42, 3.14159, "str", 'z', 255u);
  return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
