/* SPDX-License-Identifier: Apache-2.0 */
/* getentropy and arc4random with the grant; ENOTCAPABLE without. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv) {
  unsigned char a[64], b[64];
  if (argc == 2 && strcmp(argv[1], "granted") == 0) {
    CHECK(getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0);
    CHECK(memcmp(a, b, sizeof a) != 0); /* 2^-512 chance of a false failure */
    uint32_t x = arc4random(), y = arc4random();
    uint32_t z = arc4random_uniform(10);
    CHECK((x != y || x != arc4random()) && z < 10);
    CHECK_WASI(__wasi_random_get((uint8_t *)0xfffffff0u, 64), __WASI_ERRNO_FAULT);
    puts("random granted: ok");
  } else {
    CHECK_ERRNO(getentropy(a, sizeof a), 76);
    CHECK_WASI(__wasi_random_get(a, sizeof a), 76);
    puts("random denied: ok");
  }
  return 0;
}
