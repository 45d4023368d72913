// SPDX-License-Identifier: Apache-2.0
// The healthy neighbour: answers "hello" at once.
#include <stdio.h>

int main(void) {
  printf("Content-Type: text/plain\n\nhello\n");
  return 0;
}
