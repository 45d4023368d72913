// SPDX-License-Identifier: Apache-2.0
// Hostile: traps at once (unreachable: 500).
#include <stdio.h>

int main(void) {
  printf("Content-Type: text/plain\n\nhalf an answer");
  __builtin_trap();
}
