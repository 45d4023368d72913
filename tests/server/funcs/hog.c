// SPDX-License-Identifier: Apache-2.0
// Hostile: takes memory until there is none, touching every page, then
// dies (memory.grow past the limit fails; abort traps: 500).
#include <stdlib.h>
#include <string.h>

char *volatile last; // escapes, so the compiler keeps every allocation

int main(void) {
  for (;;) {
    char *p = malloc(1 << 20);
    if (!p) abort();
    memset(p, 1, 1 << 20);
    last = p;
  }
}
