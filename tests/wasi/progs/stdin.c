/* SPDX-License-Identifier: Apache-2.0 */
/* Reads stdin to the end; prints the byte and line counts and the text
   upper-cased. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf - 1, stdin);
  buf[n] = '\0';
  int lines = 0;
  for (size_t i = 0; i < n; i++) {
    if (buf[i] == '\n') lines++;
    buf[i] = (char)toupper((unsigned char)buf[i]);
  }
  printf("bytes=%zu lines=%d\n%s", n, lines, buf);
  return ferror(stdin) ? 1 : 0;
}
