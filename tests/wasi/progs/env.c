/* SPDX-License-Identifier: Apache-2.0 */
/* getenv and environ: prints the named variables (or "(unset)") and the
   number of environment entries. */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *v = getenv(argv[i]);
    printf("%s=%s\n", argv[i], v ? v : "(unset)");
  }
  int n = 0;
  for (char **e = environ; e && *e; e++) n++;
  printf("entries=%d\n", n);
  return 0;
}
