/* SPDX-License-Identifier: Apache-2.0 */
/*
** Growable byte buffers and the small text helpers every part of the
** daemon shares (prefix srv_buf_): appending bytes and formatted text,
** JSON string escaping, and checked allocation.
**
** A buffer always keeps a NUL after its last byte (not counted in len), so
** text built in one can be used as a C string. Allocation failure aborts
** with a message, as in the engine (src/util): every size that comes from a
** client is bounded before it reaches a buffer.
*/
#ifndef WB_SERVER_BUF_H
#define WB_SERVER_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct srv_buf {
  char *data; /* NUL-terminated when not NULL */
  size_t len, cap;
} srv_buf_t;

/* Checked allocation (aborts on host OOM). */
void *srv_malloc(size_t n);
void *srv_calloc(size_t count, size_t size);
void *srv_realloc(void *p, size_t n);
char *srv_strdup(const char *s);
char *srv_strndup(const char *s, size_t n);

/* Makes room for n more bytes. */
void srv_buf_reserve(srv_buf_t *b, size_t n);
void srv_buf_add(srv_buf_t *b, const void *data, size_t n);
void srv_buf_adds(srv_buf_t *b, const char *s);
void srv_buf_addc(srv_buf_t *b, char c);
void srv_buf_printf(srv_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void srv_buf_vprintf(srv_buf_t *b, const char *fmt, va_list ap);
/* Appends v in decimal (faster than printf on hot paths). */
void srv_buf_addu(srv_buf_t *b, uint64_t v);
/* Appends s[0..n) as a JSON string literal, quotes included. Bytes that are
   not valid UTF-8 become U+FFFD, so the output is always valid JSON. */
void srv_buf_json_str(srv_buf_t *b, const char *s, size_t n);
/* Empties the buffer, keeping its storage. */
void srv_buf_clear(srv_buf_t *b);
/* Frees the storage; the buffer is empty and reusable afterwards. */
void srv_buf_free(srv_buf_t *b);
/* Hands the storage to the caller (free() it); the buffer becomes empty.
   Never NULL: an empty buffer gives "". */
char *srv_buf_take(srv_buf_t *b);

/* A list of owned strings, e.g. "NAME=VALUE" environment entries. */
typedef struct srv_strv {
  char **v;
  size_t n, cap;
} srv_strv_t;
/* Appends s, taking ownership. */
void srv_strv_push(srv_strv_t *l, char *s);
/* Sets NAME=VALUE, replacing an entry with the same name (both copied). */
void srv_strv_setenv(srv_strv_t *l, const char *name, const char *value);
/* The value of NAME in a NAME=VALUE list, or NULL. */
const char *srv_strv_getenv(const srv_strv_t *l, const char *name);
/* Copies every string of src to the end of dst. */
void srv_strv_copy(srv_strv_t *dst, const srv_strv_t *src);
void srv_strv_free(srv_strv_t *l);

/* Monotonic clock in nanoseconds. */
uint64_t srv_now_ns(void);
/* Whether the presented bytes equal the secret, in time that depends only
   on the secret's length, never on where (or whether) they differ. */
bool srv_secret_equal(const char *given, size_t given_len, const char *secret, size_t secret_len);

#endif
