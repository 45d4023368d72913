/* SPDX-License-Identifier: Apache-2.0 */
/*
** Small shared helpers: checked allocation, growable arrays and the owned
** error object behind wb_error_t. Internal names use the ut_ prefix.
**
** Allocation failure of host memory aborts with a message: sizes that come
** from untrusted input are bounded by the input's own length before they
** reach an allocator, so a failure here means the host itself is out of
** memory, not that a guest asked for too much.
*/
#ifndef WB_UTIL_H
#define WB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmbox.h"

#define WB_INTERNAL __attribute__((visibility("hidden")))
#define UT_LIKELY(x) __builtin_expect(!!(x), 1)
#define UT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define UT_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

void *ut_malloc(size_t n);
void *ut_calloc(size_t count, size_t size);
void *ut_realloc(void *p, size_t n);
char *ut_strndup(const char *s, size_t n);

/* Grows *pa (element size sz, capacity *cap) so that index `need` fits. */
void ut_grow(void **pa, uint32_t *cap, size_t need, size_t sz);
#define UT_PUSH(arr, len, cap, val)                                         \
  do {                                                                      \
    if ((len) >= (cap)) ut_grow((void **)&(arr), &(cap), (len) + 1, sizeof *(arr)); \
    (arr)[(len)++] = (val);                                                 \
  } while (0)

struct wb_error {
  wb_error_kind_t kind;
  size_t offset; /* SIZE_MAX when none */
  char *msg;
};

/* Makes an owned error with a printf-style message. */
wb_error_t *ut_error_new(wb_error_kind_t kind, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
wb_error_t *ut_error_vnew(wb_error_kind_t kind, size_t offset, const char *fmt, va_list ap);

/* A growable string for messages built piecewise. */
typedef struct ut_str {
  char *s;
  size_t len, cap;
} ut_str_t;
void ut_str_printf(ut_str_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* SHA-256 (util/sha256.c; libcrypto, loaded on first use) of p, or of the
   concatenation of n parts. */
void ut_sha256(const void *p, size_t n, uint8_t out[32]);
void ut_sha256_parts(const void *const *parts, const size_t *lens, size_t n, uint8_t out[32]);
/* Writes the n bytes of d as 2n lower-case hex digits and a NUL into out. */
void ut_hex(const uint8_t *d, size_t n, char *out);

#endif
