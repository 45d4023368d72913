/* SPDX-License-Identifier: Apache-2.0 */
/*
** The JavaScript guest (guest/js, QuickJS + runner + Web API library as
** one wasm32-wasi module), embedded in the library at build time with the
** assembler's `.incbin`: JS_GUEST_WASM_PATH comes from src/js/CMakeLists.txt.
** Its SHA-256 is the "engine version" of the bytecode cache: bytecode made
** by one guest is never read by another.
*/
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "js/js.h"

#ifndef JS_GUEST_WASM_PATH
#error "JS_GUEST_WASM_PATH must name the guest's wasm file (see src/js/CMakeLists.txt)"
#endif

/* Hidden symbols in .rodata; 16-byte aligned like any large constant. */
__asm__(".pushsection .rodata\n"
        ".balign 16\n"
        ".globl js_guest_start\n"
        ".hidden js_guest_start\n"
        ".globl js_guest_end\n"
        ".hidden js_guest_end\n"
        "js_guest_start:\n"
        ".incbin \"" JS_GUEST_WASM_PATH "\"\n"
        "js_guest_end:\n"
        ".popsection\n");
extern const uint8_t js_guest_start[] WB_INTERNAL, js_guest_end[] WB_INTERNAL;

const uint8_t *js_guest_bytes(size_t *len) {
  *len = (size_t)(js_guest_end - js_guest_start);
  return js_guest_start;
}

static uint8_t guest_hash[JS_HASH_LEN];
static pthread_once_t guest_hash_once = PTHREAD_ONCE_INIT;

static void hash_guest(void) {
  size_t len;
  const void *part = js_guest_bytes(&len);
  js_sha256(&part, &len, 1, guest_hash);
}

const uint8_t *js_guest_hash(void) {
  pthread_once(&guest_hash_once, hash_guest);
  return guest_hash;
}

/* Each part is preceded by its length, so part boundaries are hashed too. */
void js_sha256(const void *const *parts, const size_t *lens, size_t n, uint8_t out[JS_HASH_LEN]) {
  uint64_t *ls = ut_malloc(sizeof *ls * (n ? n : 1));
  const void **ps = ut_malloc(sizeof *ps * 2 * (n ? n : 1));
  size_t *pl = ut_malloc(sizeof *pl * 2 * (n ? n : 1));
  for (size_t i = 0; i < n; i++) {
    ls[i] = lens[i];
    ps[2 * i] = &ls[i], pl[2 * i] = sizeof ls[i];
    ps[2 * i + 1] = parts[i], pl[2 * i + 1] = lens[i];
  }
  ut_sha256_parts(ps, pl, 2 * n, out);
  free(ls);
  free(ps);
  free(pl);
}

uint64_t js_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
