/* SPDX-License-Identifier: Apache-2.0 */
/*
** The wire formats of guest/js/ABI.md. Integers are little-endian u32; a
** string is u32 length + bytes.
**
**   request   method, url, u32 n, n x (name, value), body
**   response  u32 0, u32 status, u32 n, n x (name, value), body, logs
**   error     u32 1, message, location, stack, logs
**   logs      u32 n, n x (u32 level, text)
**
** A decoded result lives in one allocation (res->block_): the header and
** log arrays first, then every string NUL-terminated. Decoding walks the
** buffer twice with the same code, once to size the block and once to
** fill it, so an invocation costs one malloc whatever the response holds.
** Every length is checked against the buffer before it is used.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js/js.h"

static const char empty[] = "";

/* {====================== Request ======================} */

size_t js_request_size(const wb_js_request_t *req) {
  if (!req || !req->method || !req->url || (req->nheaders && !req->headers)) return 0;
  if (req->body_len && !req->body) return 0;
  uint64_t n = 4 + strlen(req->method) + 4 + strlen(req->url) + 4 + 4 + (uint64_t)req->body_len;
  for (size_t i = 0; i < req->nheaders; i++) {
    const wb_js_header_t *h = &req->headers[i];
    if ((h->name_len && !h->name) || (h->value_len && !h->value)) return 0;
    n += 8 + (uint64_t)h->name_len + h->value_len;
  }
  return n > UINT32_MAX ? 0 : (size_t)n;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
  return p + 4;
}

static uint8_t *put_str(uint8_t *p, const void *s, size_t len) {
  p = put_u32(p, (uint32_t)len);
  if (len) memcpy(p, s, len);
  return p + len;
}

void js_request_encode(const wb_js_request_t *req, uint8_t *out) {
  out = put_str(out, req->method, strlen(req->method));
  out = put_str(out, req->url, strlen(req->url));
  out = put_u32(out, (uint32_t)req->nheaders);
  for (size_t i = 0; i < req->nheaders; i++) {
    out = put_str(out, req->headers[i].name, req->headers[i].name_len);
    out = put_str(out, req->headers[i].value, req->headers[i].value_len);
  }
  put_str(out, req->body, req->body_len);
}

/* {====================== Reading ======================} */

typedef struct rd {
  const uint8_t *p, *end;
  bool bad;
} rd_t;

static uint32_t rd_u32(rd_t *r) {
  if (r->bad || r->end - r->p < 4) {
    r->bad = true;
    return 0;
  }
  const uint8_t *p = r->p;
  r->p += 4;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A string's bytes (borrowed from the buffer); NULL when malformed. */
static const uint8_t *rd_str(rd_t *r, uint32_t *len) {
  *len = rd_u32(r);
  if (r->bad || (size_t)(r->end - r->p) < *len) {
    r->bad = true;
    *len = 0;
    return NULL;
  }
  const uint8_t *s = r->p;
  r->p += *len;
  return s;
}

/* {====================== Decoding into one block ======================} */

/* The sizing pass counts; the filling pass writes into the block. */
typedef struct sink {
  wb_js_result_t *res;
  bool fill;
  size_t nheaders, nlogs, nbytes; /* counted, or filled so far */
  char *strs;                     /* filling: next free string byte */
  char *location;                 /* of a syntax error */
} sink_t;

/* A string copied into the block, NUL-terminated (NULL while sizing). */
static char *sink_str(sink_t *s, rd_t *r, size_t *len_out) {
  uint32_t len;
  const uint8_t *src = rd_str(r, &len);
  if (len_out) *len_out = len;
  if (!s->fill) {
    s->nbytes += (size_t)len + 1;
    return NULL;
  }
  char *dst = s->strs;
  if (len) memcpy(dst, src, len);
  dst[len] = '\0';
  s->strs += (size_t)len + 1;
  return dst;
}

static void walk_headers(rd_t *r, sink_t *s) {
  uint32_t n = rd_u32(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    wb_js_header_t h = {0};
    h.name = sink_str(s, r, &h.name_len);
    h.value = sink_str(s, r, &h.value_len);
    if (s->fill) s->res->headers[s->nheaders] = h;
    s->nheaders++;
  }
}

static void walk_logs(rd_t *r, sink_t *s) {
  uint32_t n = rd_u32(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    uint32_t level = rd_u32(r);
    char *text = sink_str(s, r, NULL);
    if (s->fill)
      s->res->logs[s->nlogs] = (wb_js_log_t){
          .level = level <= WB_JS_DEBUG ? (wb_js_log_level_t)level : WB_JS_LOG, .text = text};
    s->nlogs++;
  }
}

/* One pass over the output buffer. */
static void walk(rd_t *r, js_out_kind_t kind, sink_t *s) {
  wb_js_result_t *res = s->res;
  uint32_t tag = rd_u32(r);
  if (tag == 0 && kind == JS_OUT_RESPONSE) {
    uint32_t status = rd_u32(r);
    if (status > UINT16_MAX) r->bad = true;
    res->status = (uint16_t)status;
    walk_headers(r, s);
    size_t body_len;
    res->body = (uint8_t *)sink_str(s, r, &body_len);
    res->body_len = body_len;
  } else if (tag == 1) {
    res->outcome = WB_JS_EXCEPTION;
    res->error = sink_str(s, r, NULL);
    s->location = sink_str(s, r, NULL);
    res->stack = sink_str(s, r, NULL);
  } else if (tag != 0) {
    r->bad = true;
  }
  walk_logs(r, s);
  if (r->p != r->end) r->bad = true;
}

bool js_decode(const uint8_t *buf, size_t len, js_out_kind_t kind, wb_js_result_t *res,
               const char **location) {
  memset(res, 0, sizeof *res);
  sink_t s = {.res = res};
  rd_t r = {buf, buf + len, false};
  walk(&r, kind, &s);
  if (r.bad) return false;
  size_t arrays = s.nheaders * sizeof(wb_js_header_t) + s.nlogs * sizeof(wb_js_log_t);
  uint8_t *block = ut_malloc(arrays + s.nbytes + 1);
  wb_js_outcome_t outcome = res->outcome;
  memset(res, 0, sizeof *res);
  res->outcome = outcome;
  res->block_ = block;
  res->headers = (wb_js_header_t *)(void *)block;
  res->logs = (wb_js_log_t *)(void *)(block + s.nheaders * sizeof(wb_js_header_t));
  s = (sink_t){.res = res, .fill = true, .strs = (char *)block + arrays};
  r = (rd_t){buf, buf + len, false};
  walk(&r, kind, &s);
  res->nheaders = s.nheaders;
  res->nlogs = s.nlogs;
  if (!res->error) res->error = (char *)empty;
  if (!res->stack) res->stack = (char *)empty;
  if (location) *location = s.location ? s.location : empty;
  return true;
}

void js_result_message(wb_js_result_t *res, wb_js_outcome_t outcome, const char *fmt, ...) {
  memset(res, 0, sizeof *res);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = ut_malloc(n > 0 ? (size_t)n + 1 : 1);
  va_start(ap, fmt);
  vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
  va_end(ap);
  res->outcome = outcome;
  res->block_ = msg;
  res->error = msg;
  res->stack = (char *)empty;
}

void wb_js_result_free(wb_js_result_t *res) {
  if (!res) return;
  free(res->block_);
  memset(res, 0, sizeof *res);
}

wb_error_t *js_error_from(const wb_js_result_t *res, const char *location) {
  const char *stack = res->stack ? res->stack : empty;
  size_t sl = strlen(stack);
  while (sl && stack[sl - 1] == '\n')
    sl--; /* one line break between parts */
  if (location && location[0])
    return ut_error_new(WB_ERROR_VALIDATE, SIZE_MAX, "%s: %s", location, res->error);
  return ut_error_new(WB_ERROR_VALIDATE, SIZE_MAX, "%s%s%.*s", res->error, sl ? "\n" : "", (int)sl,
                      stack);
}
