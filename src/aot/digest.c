/* SPDX-License-Identifier: Apache-2.0 */
/*
** Digests for the compile cache.
**
** The cache key is a SHA-256 (the module's bytes are untrusted input, so
** the key must resist collisions made on purpose). It uses OpenSSL's
** low-level SHA-256 functions, not EVP or the one-shot SHA256(), which
** since OpenSSL 3.0 goes through EVP: the first EVP digest of a process
** loads the provider machinery and reads openssl.cnf, about 0.8 ms, a
** fifth of what loading a cached 1 MiB module used to cost. The low-level
** functions run the same code (SHA extensions where the CPU has them,
** about 2 GB/s). Hashing halves on two threads was tried: on a busy
** machine the second thread waits for a CPU, and loading got slower.
**
** A cached object's bytes are checked at every load against a 64-bit
** checksum recorded when it was compiled (cache.c). That check is against
** damage (a truncated or partly written file, flipped bits, another file
** put in its place), not against someone who can write to the cache
** folder: they could rewrite the record as well, whatever the function.
** So it need not be cryptographic, and a fast one checks a cached object
** at about 8 GB/s (reading included) where SHA-256 does 2: four
** independent lanes of multiply, add and rotate over 32-byte stripes,
** folded with the length and mixed so that every input bit reaches every
** output bit.
*/
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init & co: see above */
#include <errno.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aot/aot.h"

/* {====================== SHA-256 (the key) ======================} */

void aot_digest(const void *p, size_t n, uint8_t out[32]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, p, n);
  SHA256_Final(out, &c);
}

void aot_digest_parts(const void *const *parts, const size_t *lens, size_t n, uint8_t out[32]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  for (size_t i = 0; i < n; i++) SHA256_Update(&c, parts[i], lens[i]);
  SHA256_Final(out, &c);
}

void aot_digest_hex(const uint8_t d[32], char out[65]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  out[64] = 0;
}

/* {====================== The checksum (cached objects) ======================} */

#define CK1 0x9E3779B97F4A7C15ull /* 2^64 / golden ratio */
#define CK2 0xC2B2AE3D27D4EB4Full
#define CK3 0x165667B19E3779F9ull

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static inline uint64_t lane(uint64_t acc, uint64_t v) { return rotl(acc + v * CK2, 31) * CK1; }
static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

typedef struct ck {
  uint64_t acc[4];
  uint64_t total;   /* bytes fed */
  uint8_t tail[32]; /* bytes of an incomplete stripe */
  size_t ntail;
} ck_t;

static void ck_init(ck_t *c) {
  *c = (ck_t){{CK1 + CK2, CK2, 0, 0 - CK1}, 0, {0}, 0};
}

static void ck_stripes(ck_t *c, const uint8_t *p, size_t nstripes) {
  uint64_t a0 = c->acc[0], a1 = c->acc[1], a2 = c->acc[2], a3 = c->acc[3];
  for (size_t i = 0; i < nstripes; i++, p += 32) {
    a0 = lane(a0, load64(p));
    a1 = lane(a1, load64(p + 8));
    a2 = lane(a2, load64(p + 16));
    a3 = lane(a3, load64(p + 24));
  }
  c->acc[0] = a0, c->acc[1] = a1, c->acc[2] = a2, c->acc[3] = a3;
}

static void ck_update(ck_t *c, const uint8_t *p, size_t n) {
  c->total += n;
  if (c->ntail) {
    size_t k = 32 - c->ntail < n ? 32 - c->ntail : n;
    memcpy(c->tail + c->ntail, p, k);
    c->ntail += k, p += k, n -= k;
    if (c->ntail < 32) return;
    ck_stripes(c, c->tail, 1);
    c->ntail = 0;
  }
  ck_stripes(c, p, n / 32);
  memcpy(c->tail, p + n / 32 * 32, n % 32);
  c->ntail = n % 32;
}

static uint64_t ck_final(ck_t *c) {
  uint64_t h = rotl(c->acc[0], 1) + rotl(c->acc[1], 7) + rotl(c->acc[2], 12) + rotl(c->acc[3], 18);
  for (int i = 0; i < 4; i++) h = (h ^ lane(0, c->acc[i])) * CK1 + CK3;
  h ^= c->total * CK3;
  /* The tail, zero padded: the length above tells "ab" from "ab\0". */
  uint8_t t[32] = {0};
  memcpy(t, c->tail, c->ntail);
  for (int i = 0; i < 4; i++) h = rotl(h ^ lane(0, load64(t + 8 * i)), 27) * CK1 + CK3;
  h ^= h >> 33;
  h *= CK2;
  h ^= h >> 29;
  h *= CK3;
  h ^= h >> 32;
  return h;
}

bool aot_checksum_fd(int fd, uint64_t *sum, uint64_t *size) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  /* read, not mmap: a file truncated under a mapping raises SIGBUS. */
  enum { BUF = 64 * 1024 };
  uint8_t *buf = ut_malloc(BUF);
  ck_t c;
  ck_init(&c);
  bool ok = true;
  for (off_t off = 0;;) {
    ssize_t r = pread(fd, buf, BUF, off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      ok = r == 0;
      break;
    }
    ck_update(&c, buf, (size_t)r);
    off += r;
  }
  free(buf);
  *sum = ck_final(&c);
  *size = c.total;
  return ok;
}
