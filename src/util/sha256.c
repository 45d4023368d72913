/* SPDX-License-Identifier: Apache-2.0 */
/*
** SHA-256 from OpenSSL's libcrypto, loaded on first use.
**
** Linking libcrypto would make every process pay for loading it: its
** thousands of relocations cost about 0.6 ms at start-up on a virtual
** machine, more than the rest of `wasmbox run` of a small module. Only the
** compile and bytecode caches hash anything, so the library is opened
** with dlopen the first time they do. The low-level SHA256_* functions
** are used rather than EVP: the first EVP digest of a process loads the
** provider machinery and reads openssl.cnf (about 0.8 ms); both run the
** same code (SHA extensions where the CPU has them).
*/
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init & co: see above */
#include <dlfcn.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/util.h"

static struct {
  int (*init)(SHA256_CTX *);
  int (*update)(SHA256_CTX *, const void *, size_t);
  int (*final)(unsigned char *, SHA256_CTX *);
} sha;
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;

/* The library is a dependency of the package (libssl3): without it the
   caches cannot work, and nothing sensible can be hashed instead. */
static void sha_load(void) {
  void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
  if (lib) {
    *(void **)&sha.init = dlsym(lib, "SHA256_Init");
    *(void **)&sha.update = dlsym(lib, "SHA256_Update");
    *(void **)&sha.final = dlsym(lib, "SHA256_Final");
  }
  if (!sha.init || !sha.update || !sha.final) {
    fprintf(stderr, "wasmbox: cannot load SHA-256 from libcrypto.so.3 (%s)\n", dlerror());
    abort();
  }
}

void ut_sha256_parts(const void *const *parts, const size_t *lens, size_t n, uint8_t out[32]) {
  pthread_once(&sha_once, sha_load);
  SHA256_CTX c;
  sha.init(&c);
  for (size_t i = 0; i < n; i++) sha.update(&c, parts[i], lens[i]);
  sha.final(out, &c);
}

void ut_sha256(const void *p, size_t n, uint8_t out[32]) { ut_sha256_parts(&p, &n, 1, out); }

void ut_hex(const uint8_t *d, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  out[2 * n] = 0;
}
