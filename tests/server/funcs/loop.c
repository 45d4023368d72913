// SPDX-License-Identifier: Apache-2.0
// Hostile: never returns (the deadline ends it: 504).
int main(void) {
  volatile unsigned long n = 0;
  for (;;)
    n++;
}
