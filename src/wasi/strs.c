/* SPDX-License-Identifier: Apache-2.0 */
/*
** String lists for argv and the environment, kept back to back in one
** buffer: a per-request state with a few dozen environment variables is
** a handful of allocations, not one per string, and a list moves from a
** configuration to a state as a struct copy.
**
** Environment lists also keep each name's length, so setting a variable
** looks for its name comparing lengths before bytes. A replaced entry
** keeps its place in the list; its old bytes stay in the buffer, unused.
*/
#include <stdlib.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

/* Room for len more bytes in the buffer; returns where they go. */
static char *strs_room(wasi_strs_t *l, size_t len) {
  if (len > l->bufcap - l->used) {
    size_t cap = l->bufcap ? l->bufcap : 1024; /* a typical CGI environment */
    while (cap - l->used < len)
      cap *= 2;
    l->buf = ut_realloc(l->buf, cap);
    l->bufcap = cap;
  }
  return l->buf + l->used;
}

/* Appends a slot for a string of len bytes whose name (environment
   lists) is nlen bytes long; returns where its bytes go. */
static char *strs_push(wasi_strs_t *l, size_t len, size_t nlen) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 32;
    l->e = ut_realloc(l->e, l->cap * sizeof *l->e);
  }
  char *p = strs_room(l, len + 1);
  l->e[l->n++] = (wasi_str_t){.off = l->used, .len = len, .keylen = nlen};
  l->used += len + 1;
  l->bytes += len + 1;
  return p;
}

void wasi_strs_add(wasi_strs_t *l, const char *s, size_t len) {
  char *p = strs_push(l, len, len);
  memcpy(p, s, len);
  p[len] = '\0';
}

/* Whether entry i is named name: lengths, then the last byte (names of a
   kind share prefixes: HTTP_...), then the rest. */
static bool env_is(const wasi_strs_t *l, size_t i, const char *name, size_t nlen) {
  const char *s = l->buf + l->e[i].off;
  return l->e[i].keylen == nlen && (nlen == 0 || s[nlen - 1] == name[nlen - 1]) &&
         memcmp(s, name, nlen) == 0;
}

/* The index of the entry named name, or l->n. */
static size_t env_find(const wasi_strs_t *l, const char *name, size_t nlen) {
  size_t i = 0;
  while (i < l->n && !env_is(l, i, name, nlen))
    i++;
  return i;
}

void wasi_strs_set_env(wasi_strs_t *l, const char *name, size_t nlen, const char *value,
                       size_t vlen) {
  size_t i = env_find(l, name, nlen), len = nlen + 1 + vlen;
  if (i < l->n) { /* the name is there: the entry moves to new bytes, in place */
    l->bytes -= l->e[i].len + 1;
    size_t n = l->n;
    strs_push(l, len, nlen);
    l->e[i] = l->e[n];
    l->n = n;
  } else {
    strs_push(l, len, nlen);
  }
  char *p = l->buf + l->e[i].off;
  memcpy(p, name, nlen);
  p[nlen] = '=';
  memcpy(p + nlen + 1, value, vlen);
  p[len] = '\0';
}

void wasi_strs_free(wasi_strs_t *l) {
  free(l->buf);
  free(l->e);
  *l = (wasi_strs_t){0};
}
