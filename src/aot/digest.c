/* SPDX-License-Identifier: Apache-2.0 */
/*
** Digests for the compile cache.
**
** The cache key is a SHA-256 (the module's bytes are untrusted input, so
** the key must resist collisions made on purpose): util/sha256.c, which
** avoids OpenSSL's EVP start-up and loads libcrypto only when first used.
** Hashing halves on two threads was tried: on a busy machine the second
** thread waits for a CPU, and loading got slower.
**
** A cached object's bytes are checked at every load against a 64-bit
** checksum recorded when it was compiled (cache.c). That check is against
** damage (a truncated or partly written file, flipped bits, another file
** put in its place), not against someone who can write to the cache
** folder: they could rewrite the record as well, whatever the function.
** So it need not be cryptographic, and a fast one (XXH3-64 from
** libxxhash) checks a cached object several times faster than SHA-256,
** reading included.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <xxhash.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aot/aot.h"

/* {====================== SHA-256 (the key) ======================} */

void aot_digest(const void *p, size_t n, uint8_t out[32]) { ut_sha256(p, n, out); }

void aot_digest_parts(const void *const *parts, const size_t *lens, size_t n, uint8_t out[32]) {
  ut_sha256_parts(parts, lens, n, out);
}

void aot_digest_hex(const uint8_t d[32], char out[65]) { ut_hex(d, 32, out); }

/* {====================== The checksum (cached objects) ======================} */

bool aot_checksum_fd(int fd, uint64_t *sum, uint64_t *size) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  /* read, not mmap: a file truncated under a mapping raises SIGBUS. */
  enum { BUF = 64 * 1024 };
  uint8_t *buf = ut_malloc(BUF);
  XXH3_state_t *c = XXH3_createState();
  if (!c) abort();
  XXH3_64bits_reset(c);
  uint64_t total = 0;
  bool ok = true;
  for (off_t off = 0;;) {
    ssize_t r = pread(fd, buf, BUF, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ok = r == 0;
      break;
    }
    XXH3_64bits_update(c, buf, (size_t)r);
    off += r;
    total += (uint64_t)r;
  }
  free(buf);
  *sum = XXH3_64bits_digest(c);
  *size = total;
  XXH3_freeState(c);
  return ok;
}
