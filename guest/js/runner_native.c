/* SPDX-License-Identifier: Apache-2.0 */
/*
** The native helpers the Web API library is built on: globalThis.__wb,
** defined before the library runs (which captures and deletes it). The
** contract is guest/js/RUNTIME.md.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

/* %Uint8Array%, taken before any script runs. */
static JSValue rn_uint8array;

/* {====================== Bytes ======================} */

JSValue rn_native_u8(JSContext *ctx, const uint8_t *p, size_t n) {
  JSValue ab = JS_NewArrayBufferCopy(ctx, p, n);
  if (JS_IsException(ab)) return ab;
  JSValue u8 = JS_CallConstructor(ctx, rn_uint8array, 1, (JSValueConst *)&ab);
  JS_FreeValue(ctx, ab);
  return u8;
}

static JSValue bytes_type_error(JSContext *ctx) {
  return JS_ThrowTypeError(ctx, "expected an ArrayBuffer or an ArrayBuffer view");
}

/* obj[name] as an integer; false with an exception pending. */
static bool prop_int64(JSContext *ctx, JSValueConst obj, const char *name, int64_t *out) {
  JSValue v = JS_GetPropertyStr(ctx, obj, name);
  int rc = JS_IsException(v) ? -1 : JS_ToInt64(ctx, out, v);
  JS_FreeValue(ctx, v);
  return rc == 0;
}

/* A view that is not a typed array (a DataView): its buffer, byteOffset
   and byteLength, checked against the real size of the buffer. */
static bool bytes_of_view(JSContext *ctx, JSValueConst v, uint8_t **out, size_t *len) {
  JSValue buffer = JS_GetPropertyStr(ctx, v, "buffer");
  int64_t off = -1, n = -1;
  size_t size = 0;
  uint8_t *data = JS_IsException(buffer) ? NULL : JS_GetArrayBuffer(ctx, &size, buffer);
  JS_FreeValue(ctx, buffer);
  if (data && prop_int64(ctx, v, "byteOffset", &off) && prop_int64(ctx, v, "byteLength", &n) &&
      off >= 0 && n >= 0 && (uint64_t)off + (uint64_t)n <= size) {
    *out = data + off;
    *len = (size_t)n;
    return true;
  }
  JS_FreeValue(ctx, JS_GetException(ctx));
  bytes_type_error(ctx);
  return false;
}

/* A typed array: the part of its buffer it covers. */
static bool bytes_of_typed_array(JSContext *ctx, JSValueConst v, uint8_t **out, size_t *len) {
  size_t off, n, per, size;
  JSValue ab = JS_GetTypedArrayBuffer(ctx, v, &off, &n, &per);
  if (JS_IsException(ab)) return false;
  uint8_t *data = JS_GetArrayBuffer(ctx, &size, ab); /* throws if detached */
  JS_FreeValue(ctx, ab);
  if (!data) return false;
  *out = data + off;
  *len = n;
  return true;
}

bool rn_native_bytes(JSContext *ctx, JSValueConst v, uint8_t **out, size_t *len) {
  if (!JS_IsObject(v)) {
    bytes_type_error(ctx);
    return false;
  }
  size_t size;
  uint8_t *data = JS_GetArrayBuffer(ctx, &size, v);
  if (data) {
    *out = data;
    *len = size;
    return true;
  }
  JS_FreeValue(ctx, JS_GetException(ctx)); /* not an ArrayBuffer: a view? */
  if (bytes_of_typed_array(ctx, v, out, len)) return true;
  JS_FreeValue(ctx, JS_GetException(ctx));
  return bytes_of_view(ctx, v, out, len);
}

/* {====================== __wb ======================} */

/* __wb.log(level, text) */
static JSValue wb_log(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  (void)this_val;
  int32_t level = 0;
  size_t n;
  if (argc < 2 || JS_ToInt32(ctx, &level, argv[0]) < 0) return JS_EXCEPTION;
  const char *text = JS_ToCStringLen(ctx, &n, argv[1]);
  if (!text) return JS_EXCEPTION;
  rn_log(level < 0 ? 0 : (uint32_t)level, text, n);
  JS_FreeCString(ctx, text);
  return JS_UNDEFINED;
}

/* __wb.randomFill(view): fills the bytes of view from WASI random_get. */
static JSValue wb_random_fill(JSContext *ctx, JSValueConst this_val, int argc,
                              JSValueConst *argv) {
  (void)this_val;
  uint8_t *p;
  size_t n;
  if (argc < 1 || !rn_native_bytes(ctx, argv[0], &p, &n)) return JS_EXCEPTION;
  for (size_t at = 0; at < n; at += 256) { /* getentropy's limit */
    size_t chunk = n - at < 256 ? n - at : 256;
    if (getentropy(p + at, chunk) != 0)
      return JS_ThrowInternalError(ctx, "no randomness (the host did not grant it)");
  }
  return JS_DupValue(ctx, argv[0]);
}

/* __wb.utf8Encode(string) -> Uint8Array (lone surrogates -> U+FFFD) */
static JSValue wb_utf8_encode(JSContext *ctx, JSValueConst this_val, int argc,
                              JSValueConst *argv) {
  (void)this_val;
  size_t n, size;
  const char *s = JS_ToCStringLen(ctx, &n, argc > 0 ? argv[0] : JS_UNDEFINED);
  if (!s) return JS_EXCEPTION;
  JSValue ab = JS_NewArrayBufferCopy(ctx, (const uint8_t *)s, n);
  JS_FreeCString(ctx, s);
  if (JS_IsException(ab)) return ab;
  rn_utf8_fix_surrogates(JS_GetArrayBuffer(ctx, &size, ab), n);
  JSValue u8 = JS_CallConstructor(ctx, rn_uint8array, 1, (JSValueConst *)&ab);
  JS_FreeValue(ctx, ab);
  return u8;
}

/* __wb.usv(value) -> String(value) with lone surrogates as U+FFFD: the
   same string when it has none (an 8-bit string cannot), so that checking
   a long string costs one pass in C. */
static JSValue wb_usv(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  (void)this_val;
  JSValue s = JS_ToString(ctx, argc > 0 ? argv[0] : JS_UNDEFINED);
  size_t n;
  const char *p = JS_IsException(s) ? NULL : JS_ToCStringLen(ctx, &n, s);
  if (!p) {
    JS_FreeValue(ctx, s);
    return JS_EXCEPTION;
  }
  /* QuickJS writes a lone surrogate as ED A0..BF xx */
  if (!memchr(p, 0xed, n)) {
    JS_FreeCString(ctx, p);
    return s;
  }
  JS_FreeValue(ctx, s);
  char *copy = malloc(n ? n : 1);
  if (copy) {
    memcpy(copy, p, n);
    rn_utf8_fix_surrogates((uint8_t *)copy, n);
  }
  JS_FreeCString(ctx, p);
  JSValue v = copy ? JS_NewStringLen(ctx, copy, n) : JS_ThrowOutOfMemory(ctx);
  free(copy);
  return v;
}

/* __wb.utf8Decode(bytes, fatal) -> string */
static JSValue wb_utf8_decode(JSContext *ctx, JSValueConst this_val, int argc,
                              JSValueConst *argv) {
  (void)this_val;
  uint8_t *p;
  size_t n;
  if (argc < 1 || !rn_native_bytes(ctx, argv[0], &p, &n)) return JS_EXCEPTION;
  bool fatal = argc > 1 && JS_ToBool(ctx, argv[1]) > 0;
  if (!fatal) return rn_utf8_to_js(ctx, p, n);
  if (n > SIZE_MAX / 3) return JS_ThrowRangeError(ctx, "input too long");
  uint8_t *tmp = malloc(n * 3 + 1);
  if (!tmp) return JS_ThrowOutOfMemory(ctx);
  ptrdiff_t len = rn_utf8_clean(p, n, tmp, true);
  JSValue v = len < 0 ? JS_ThrowTypeError(ctx, "The encoded data was not valid utf-8")
                      : JS_NewStringLen(ctx, (const char *)tmp, (size_t)len);
  free(tmp);
  return v;
}

double rn_native_now(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The time origin of the current call: monotonic ms, and wall-clock ms
   (whole, as Date.now() gives them). Kept here rather than in the
   library, whose variables are frozen in the snapshot. */
static double rn_origin, rn_origin_wall;

void rn_native_mark_origin(void) {
  struct timespec ts;
  rn_origin = rn_native_now();
  rn_origin_wall = clock_gettime(CLOCK_REALTIME, &ts) != 0
                       ? 0
                       : (double)ts.tv_sec * 1e3 + (double)(ts.tv_nsec / 1000000);
}

/* __wb.timeOrigin(wall) -> the origin's monotonic ms, or with wall truthy
   its wall-clock ms */
static JSValue wb_time_origin(JSContext *ctx, JSValueConst this_val, int argc,
                              JSValueConst *argv) {
  (void)this_val;
  bool wall = argc > 0 && JS_ToBool(ctx, argv[0]) > 0;
  return JS_NewFloat64(ctx, wall ? rn_origin_wall : rn_origin);
}

/* __wb.now() -> monotonic milliseconds */
static JSValue wb_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  (void)this_val, (void)argc, (void)argv;
  return JS_NewFloat64(ctx, rn_native_now());
}

static const JSCFunctionListEntry rn_wb_funcs[] = {
    JS_CFUNC_DEF("log", 2, wb_log),
    JS_CFUNC_DEF("randomFill", 1, wb_random_fill),
    JS_CFUNC_DEF("utf8Encode", 1, wb_utf8_encode),
    JS_CFUNC_DEF("utf8Decode", 2, wb_utf8_decode),
    JS_CFUNC_DEF("usv", 1, wb_usv),
    JS_CFUNC_DEF("now", 0, wb_now),
    JS_CFUNC_DEF("timeOrigin", 1, wb_time_origin),
};

bool rn_native_install(JSContext *ctx) {
  JSValue global = JS_GetGlobalObject(ctx);
  rn_uint8array = JS_GetPropertyStr(ctx, global, "Uint8Array");
  JSValue wb = JS_NewObject(ctx);
  bool ok = !JS_IsException(wb);
  if (ok) {
    JS_SetPropertyFunctionList(ctx, wb, rn_wb_funcs, sizeof rn_wb_funcs / sizeof rn_wb_funcs[0]);
    ok = JS_SetPropertyStr(ctx, global, "__wb", wb) >= 0; /* takes wb */
  }
  JS_FreeValue(ctx, global);
  return ok && JS_IsFunction(ctx, rn_uint8array);
}
