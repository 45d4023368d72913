/* SPDX-License-Identifier: Apache-2.0 */
#include "server/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void srv_oom(size_t n) {
  fprintf(stderr, "wasmbox: out of host memory allocating %zu bytes\n", n);
  abort();
}

void *srv_malloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) srv_oom(n);
  return p;
}

void *srv_calloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) srv_oom(count * size);
  return p;
}

void *srv_realloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) srv_oom(n);
  return q;
}

char *srv_strndup(const char *s, size_t n) {
  char *d = srv_malloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *srv_strdup(const char *s) { return srv_strndup(s, strlen(s)); }

void srv_buf_reserve(srv_buf_t *b, size_t n) {
  if (b->len + n + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + n + 1)
    cap *= 2;
  b->data = srv_realloc(b->data, cap);
  b->cap = cap;
}

void srv_buf_add(srv_buf_t *b, const void *data, size_t n) {
  srv_buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, data, n);
  b->len += n;
  b->data[b->len] = 0;
}

void srv_buf_adds(srv_buf_t *b, const char *s) { srv_buf_add(b, s, strlen(s)); }

void srv_buf_addc(srv_buf_t *b, char c) { srv_buf_add(b, &c, 1); }

void srv_buf_vprintf(srv_buf_t *b, const char *fmt, va_list ap) {
  /* One pass when the text fits the room left, a second after growing. */
  srv_buf_reserve(b, 64);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    b->data[b->len] = 0;
    return;
  }
  if ((size_t)n >= b->cap - b->len) {
    srv_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  }
  b->len += (size_t)n;
}

void srv_buf_addu(srv_buf_t *b, uint64_t v) {
  char text[24], *p = text + sizeof text;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  srv_buf_add(b, p, (size_t)(text + sizeof text - p));
}

void srv_buf_printf(srv_buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  srv_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (s[0] > 0xF4 || len == 0 || len > n) return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  /* Overlong three- and four-byte forms, surrogates, past U+10FFFF. */
  if (len == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0;
  if (len == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0;
  if (len == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;
  if (len == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0;
  return len;
}

/* One byte below 0x80 as JSON. */
static void json_ascii(srv_buf_t *b, unsigned char c) {
  switch (c) {
  case '"': srv_buf_add(b, "\\\"", 2); return;
  case '\\': srv_buf_add(b, "\\\\", 2); return;
  case '\n': srv_buf_add(b, "\\n", 2); return;
  case '\r': srv_buf_add(b, "\\r", 2); return;
  case '\t': srv_buf_add(b, "\\t", 2); return;
  default:
    if (c < 0x20 || c == 0x7F)
      srv_buf_printf(b, "\\u%04x", c);
    else
      srv_buf_addc(b, (char)c);
  }
}

/* Bytes that go into a JSON string as they are. */
static bool json_plain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

void srv_buf_json_str(srv_buf_t *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  srv_buf_reserve(b, n + 2);
  srv_buf_addc(b, '"');
  for (size_t i = 0; i < n;) {
    size_t run = i;
    while (run < n && json_plain(p[run]))
      run++;
    if (run > i) { /* the common case: copied in one go */
      srv_buf_add(b, p + i, run - i);
      i = run;
      continue;
    }
    if (p[i] < 0x80) {
      json_ascii(b, p[i++]);
      continue;
    }
    size_t k = utf8_len(p + i, n - i);
    if (k)
      srv_buf_add(b, p + i, k);
    else
      srv_buf_adds(b, "\xEF\xBF\xBD");
    i += k ? k : 1;
  }
  srv_buf_addc(b, '"');
}

void srv_buf_clear(srv_buf_t *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}

void srv_buf_free(srv_buf_t *b) {
  free(b->data);
  *b = (srv_buf_t){0};
}

char *srv_buf_take(srv_buf_t *b) {
  if (!b->data) return srv_strdup("");
  char *d = b->data;
  *b = (srv_buf_t){0};
  return d;
}

void srv_strv_push(srv_strv_t *l, char *s) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = srv_realloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = s;
}

/* Index of NAME's entry, or l->n. */
static size_t env_find(const srv_strv_t *l, const char *name, size_t nlen) {
  size_t i = 0;
  while (i < l->n && !(strncmp(l->v[i], name, nlen) == 0 && l->v[i][nlen] == '='))
    i++;
  return i;
}

void srv_strv_setenv(srv_strv_t *l, const char *name, const char *value) {
  size_t nl = strlen(name), vl = strlen(value);
  char *e = srv_malloc(nl + vl + 2);
  memcpy(e, name, nl);
  e[nl] = '=';
  memcpy(e + nl + 1, value, vl + 1);
  size_t i = env_find(l, name, nl);
  if (i < l->n) {
    free(l->v[i]);
    l->v[i] = e;
  } else {
    srv_strv_push(l, e);
  }
}

const char *srv_strv_getenv(const srv_strv_t *l, const char *name) {
  size_t nl = strlen(name), i = env_find(l, name, nl);
  return i < l->n ? l->v[i] + nl + 1 : NULL;
}

void srv_strv_copy(srv_strv_t *dst, const srv_strv_t *src) {
  for (size_t i = 0; i < src->n; i++)
    srv_strv_push(dst, srv_strdup(src->v[i]));
}

void srv_strv_free(srv_strv_t *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  *l = (srv_strv_t){0};
}

uint64_t srv_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool srv_secret_equal(const char *given, size_t given_len, const char *secret, size_t secret_len) {
  /* Walk the secret's length whatever was given, folding the length
     difference in: timing says nothing about the content. */
  volatile unsigned char diff = (unsigned char)(given_len != secret_len);
  for (size_t i = 0; i < secret_len; i++) {
    unsigned char x = i < given_len ? (unsigned char)given[i] : 0;
    diff |= (unsigned char)(x ^ (unsigned char)secret[i]);
  }
  return diff == 0;
}
