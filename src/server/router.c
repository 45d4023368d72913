/* SPDX-License-Identifier: Apache-2.0 */
#include "server/router.h"

#include <string.h>

static bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool srv_name_valid(const char *name, size_t len) {
  if (len == 0 || len > SRV_NAME_MAX || name[0] == '_') return false;
  for (size_t i = 0; i < len; i++)
    if (!name_char(name[i])) return false;
  /* The daemon's own top-level paths cannot be shadowed. */
  if ((len == 7 && memcmp(name, "healthz", 7) == 0) ||
      (len == 7 && memcmp(name, "metrics", 7) == 0))
    return false;
  return true;
}

/* True when path is exactly "/" + word, or "/" + word + "/...". */
static bool first_segment_is(const char *path, const char *word, const char **rest) {
  size_t n = strlen(word);
  if (strncmp(path + 1, word, n) != 0) return false;
  char c = path[1 + n];
  if (c != '\0' && c != '/') return false;
  *rest = path + 1 + n;
  return true;
}

void srv_route(const char *path, srv_route_t *out) {
  *out = (srv_route_t){.kind = SRV_ROUTE_NOT_FOUND, .rest = ""};
  if (path[0] != '/') return;
  if (strcmp(path, "/healthz") == 0) {
    out->kind = SRV_ROUTE_HEALTH;
    return;
  }
  if (strcmp(path, "/metrics") == 0) {
    out->kind = SRV_ROUTE_METRICS;
    return;
  }
  if (first_segment_is(path, "_admin", &out->rest)) {
    out->kind = SRV_ROUTE_ADMIN;
    return;
  }
  size_t n = strcspn(path + 1, "/");
  if (!srv_name_valid(path + 1, n)) return;
  out->kind = SRV_ROUTE_FUNCTION;
  out->name = path + 1;
  out->name_len = n;
  out->rest = path + 1 + n;
}

size_t srv_uri_split(const char *uri, const char **query) {
  const char *q = strchr(uri, '?');
  *query = q ? q + 1 : "";
  return q ? (size_t)(q - uri) : strlen(uri);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes one unit of src at *i (an escape, '+' or a plain byte). */
static char decode_at(const char *src, size_t n, size_t *i, bool plus_space) {
  int hi, lo;
  if (src[*i] == '%' && *i + 2 < n && (hi = hex_value(src[*i + 1])) >= 0 &&
      (lo = hex_value(src[*i + 2])) >= 0) {
    *i += 3;
    return (char)(hi * 16 + lo);
  }
  char c = src[(*i)++];
  return plus_space && c == '+' ? ' ' : c;
}

size_t srv_url_decode(char *dst, const char *src, size_t n, bool plus_space) {
  size_t o = 0;
  for (size_t i = 0; i < n;)
    dst[o++] = decode_at(src, n, &i, plus_space);
  dst[o] = 0;
  return o;
}

bool srv_query_param(const char *query, const char *key, char *buf, size_t size) {
  size_t klen = strlen(key);
  for (const char *p = query; *p;) {
    size_t n = strcspn(p, "&");
    size_t name_len = strcspn(p, "=&");
    if (name_len == klen && memcmp(p, key, klen) == 0) {
      const char *v = name_len < n ? p + name_len + 1 : p + n;
      size_t vlen = (size_t)(p + n - v), o = 0;
      for (size_t i = 0; i < vlen && o + 1 < size;)
        buf[o++] = decode_at(v, vlen, &i, true);
      if (size) buf[o] = 0;
      return true;
    }
    p += n;
    if (*p == '&') p++;
  }
  return false;
}
