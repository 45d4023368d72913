/* SPDX-License-Identifier: Apache-2.0 */
/*
** The output buffer of the exports (ABI.md: records, strings, logs) and the
** logs of the current call.
**
** Each call that has an output (compile, load, invoke) starts with
** rn_call_begin, which empties both. Logs are kept already encoded, so a
** record ends with one copy of them.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* ABI.md: at most 64 KiB of log text per call. */
#define RN_LOG_BUDGET (64u * 1024u)
static const char rn_log_truncated[] = "[logs truncated]";

static rn_buf_t rn_output;
static struct {
  rn_buf_t entries; /* nlogs x (u32 level, string text) */
  uint32_t count;
  size_t text_bytes; /* against RN_LOG_BUDGET */
  bool truncated;
} rn_logs;

_Noreturn void rn_die(const char *why) {
  fprintf(stderr, "wasmbox-js guest: %s\n", why);
  __builtin_trap();
}

/* {====================== Byte buffers ======================} */

static void buf_reserve(rn_buf_t *b, size_t n) {
  if (n <= b->cap - b->len) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < n) {
    if (cap > SIZE_MAX / 2) rn_die("output too large");
    cap *= 2;
  }
  uint8_t *p = realloc(b->data, cap);
  if (!p) rn_die("out of memory writing the output");
  b->data = p;
  b->cap = cap;
}

void rn_buf_put(rn_buf_t *b, const void *p, size_t n) {
  if (n == 0) return;
  buf_reserve(b, n);
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

void rn_buf_u32(rn_buf_t *b, uint32_t v) {
  uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  rn_buf_put(b, le, 4);
}

void rn_buf_str(rn_buf_t *b, const char *s, size_t n) {
  if (n > UINT32_MAX) rn_die("string too long for the ABI");
  rn_buf_u32(b, (uint32_t)n);
  rn_buf_put(b, s, n);
}

bool rn_buf_jsstr(rn_buf_t *b, JSContext *ctx, JSValueConst v) {
  size_t n;
  const char *s = JS_ToCStringLen(ctx, &n, v);
  if (!s) return false;
  size_t at = b->len + 4;
  rn_buf_str(b, s, n);
  JS_FreeCString(ctx, s);
  rn_utf8_fix_surrogates(b->data + at, n);
  return true;
}

/* {====================== Logs ======================} */

static void log_entry(uint32_t level, const char *text, size_t len) {
  size_t at = rn_logs.entries.len + 8;
  rn_buf_u32(&rn_logs.entries, level);
  rn_buf_str(&rn_logs.entries, text, len);
  rn_utf8_fix_surrogates(rn_logs.entries.data + at, len);
  rn_logs.count++;
  rn_logs.text_bytes += len;
}

/* The longest prefix of text within n bytes that does not cut a UTF-8
   sequence. */
static size_t utf8_prefix(const char *text, size_t n) {
  while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80) n--;
  return n;
}

void rn_log(uint32_t level, const char *text, size_t len) {
  if (rn_logs.truncated) return;
  if (level > 4) level = 0;
  size_t room = RN_LOG_BUDGET - rn_logs.text_bytes;
  if (len <= room) {
    log_entry(level, text, len);
    return;
  }
  /* keep what fits of this entry, then say that the rest is gone */
  size_t keep = utf8_prefix(text, room);
  if (keep > 0) log_entry(level, text, keep);
  log_entry(2, rn_log_truncated, strlen(rn_log_truncated));
  rn_logs.truncated = true;
}

/* {====================== Records ======================} */

void rn_call_begin(void) {
  rn_alloc_reset();
  rn_native_mark_origin();
  rn_output.len = 0;
  rn_logs.entries.len = 0;
  rn_logs.count = 0;
  rn_logs.text_bytes = 0;
  rn_logs.truncated = false;
}

rn_buf_t *rn_out(void) { return &rn_output; }

void rn_out_logs(void) {
  rn_buf_u32(&rn_output, rn_logs.count);
  rn_buf_put(&rn_output, rn_logs.entries.data, rn_logs.entries.len);
}

int rn_out_error(const char *msg, const char *location, const char *stack) {
  rn_output.len = 0;
  rn_buf_u32(&rn_output, 1);
  rn_buf_str(&rn_output, msg, strlen(msg));
  rn_buf_str(&rn_output, location, strlen(location));
  rn_buf_str(&rn_output, stack, strlen(stack));
  rn_out_logs();
  return 1;
}

/* Reads obj[name] (which may run a getter); undefined if that throws. */
static JSValue exc_prop(JSContext *ctx, JSValueConst obj, const char *name) {
  JSValue v = JS_GetPropertyStr(ctx, obj, name);
  if (JS_IsException(v)) JS_FreeValue(ctx, JS_GetException(ctx));
  return JS_IsException(v) ? JS_UNDEFINED : v;
}

/* Writes "file:line:col" for an exception of the parser, which carries
   fileName, lineNumber and (patched QuickJS) columnNumber; "" otherwise. */
static void exc_location(JSContext *ctx, JSValueConst exc, bool wanted) {
  JSValue file = JS_UNDEFINED, line = JS_UNDEFINED, col = JS_UNDEFINED;
  int32_t l = 0, c = 1;
  if (wanted && JS_IsError(ctx, exc)) {
    file = exc_prop(ctx, exc, "fileName");
    line = exc_prop(ctx, exc, "lineNumber");
    col = exc_prop(ctx, exc, "columnNumber");
  }
  size_t flen = 0;
  const char *f = JS_IsString(file) && JS_IsNumber(line) ? JS_ToCStringLen(ctx, &flen, file) : NULL;
  if (f && JS_ToInt32(ctx, &l, line) == 0 && (!JS_IsNumber(col) || JS_ToInt32(ctx, &c, col) == 0)) {
    char tail[32];
    int n = snprintf(tail, sizeof tail, ":%d:%d", (int)l, (int)c);
    rn_buf_u32(&rn_output, (uint32_t)(flen + (size_t)n));
    rn_buf_put(&rn_output, f, flen);
    rn_buf_put(&rn_output, tail, (size_t)n);
  } else {
    rn_buf_u32(&rn_output, 0);
  }
  if (f) JS_FreeCString(ctx, f);
  JS_FreeValue(ctx, file);
  JS_FreeValue(ctx, line);
  JS_FreeValue(ctx, col);
}

/* Writes exc.stack if it is a string, else "". */
static void exc_stack(JSContext *ctx, JSValueConst exc) {
  JSValue stack = JS_IsObject(exc) ? exc_prop(ctx, exc, "stack") : JS_UNDEFINED;
  if (!JS_IsString(stack) || !rn_buf_jsstr(&rn_output, ctx, stack)) {
    JS_FreeValue(ctx, JS_GetException(ctx)); /* JS_NULL if none */
    rn_buf_u32(&rn_output, 0);
  }
  JS_FreeValue(ctx, stack);
}

int rn_out_exception(JSContext *ctx, bool with_location) {
  static const char unprintable[] = "uncaught exception (String() of it threw)";
  static const char oom[] = "InternalError: out of memory";
  JSValue exc = JS_GetException(ctx);
  rn_output.len = 0;
  rn_buf_u32(&rn_output, 1);
  if (JS_IsNull(exc) && rn_alloc_failed()) {
    rn_buf_str(&rn_output, oom, strlen(oom));
  } else if (!rn_buf_jsstr(&rn_output, ctx, exc)) {
    JS_FreeValue(ctx, JS_GetException(ctx));
    rn_buf_str(&rn_output, unprintable, strlen(unprintable));
  }
  exc_location(ctx, exc, with_location);
  exc_stack(ctx, exc);
  rn_out_logs();
  JS_FreeValue(ctx, exc);
  return 1;
}
