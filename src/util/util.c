/* SPDX-License-Identifier: Apache-2.0 */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ut_oom(size_t n) {
  fprintf(stderr, "wasmbox: out of host memory allocating %zu bytes\n", n);
  abort();
}

void *ut_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) ut_oom(n);
  return p;
}

void *ut_calloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) ut_oom(count * size);
  return p;
}

void *ut_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) ut_oom(n);
  return q;
}

char *ut_strndup(const char *s, size_t n) {
  char *d = ut_malloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

void ut_grow(void **pa, uint32_t *cap, size_t need, size_t sz) {
  size_t c = *cap ? *cap : 8;
  while (c < need) c *= 2;
  if (c > UINT32_MAX) ut_oom(c * sz);
  *pa = ut_realloc(*pa, c * sz);
  *cap = (uint32_t)c;
}

wb_error_t *ut_error_vnew(wb_error_kind_t kind, size_t offset, const char *fmt, va_list ap) {
  wb_error_t *e = ut_malloc(sizeof *e);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  e->msg = ut_malloc((size_t)(n < 0 ? 0 : n) + 1);
  vsnprintf(e->msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
  e->kind = kind;
  e->offset = offset;
  return e;
}

wb_error_t *ut_error_new(wb_error_kind_t kind, size_t offset, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wb_error_t *e = ut_error_vnew(kind, offset, fmt, ap);
  va_end(ap);
  return e;
}

void ut_str_printf(ut_str_t *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  if (b->len + (size_t)n + 1 > b->cap) {
    b->cap = (b->len + (size_t)n + 1) * 2;
    b->s = ut_realloc(b->s, b->cap);
  }
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  va_end(ap);
}

/* {====================== Public error API ======================} */

const char *wb_error_message(const wb_error_t *error) { return error->msg; }
size_t wb_error_offset(const wb_error_t *error) { return error->offset; }
wb_error_kind_t wb_error_kind(const wb_error_t *error) { return error->kind; }

void wb_error_delete(wb_error_t *error) {
  if (!error) return;
  free(error->msg);
  free(error);
}
