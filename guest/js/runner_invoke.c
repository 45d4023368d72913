/* SPDX-License-Identifier: Apache-2.0 */
/*
** One request: decode it (ABI.md "Request"), make a Request with the
** library's makeRequest hook, call handler.fetch(request, env), run the
** event loop until the returned promise settles, and encode what the
** readResponse hook makes of the result (ABI.md "Response").
**
** The event loop: run every pending job; if the promise has settled, stop;
** else ask the library when its earliest timer is due (none: the promise
** can never settle), sleep until then (poll_oneoff through nanosleep) and
** let the library fire the due timers.
*/
#include <math.h>
#include <string.h>
#include <time.h>

#include "runner.h"

/* What the callbacks attached to the awaited promise saw. */
static struct {
  bool done, rejected;
  JSValue value;
} rn_wait;

static const char rn_never_settled[] = "the handler's promise never settled";

/* {====================== Reading the request ======================} */

typedef struct rn_reader {
  const uint8_t *p, *end;
  bool bad;
} rn_reader_t;

static uint32_t rd_u32(rn_reader_t *r) {
  if (r->end - r->p < 4) {
    r->bad = true;
    return 0;
  }
  uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
               (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

/* A string of the request as a JavaScript string (JS_UNDEFINED if the
   request is cut short, JS_EXCEPTION if out of memory). */
static JSValue rd_string(JSContext *ctx, rn_reader_t *r) {
  uint32_t n = rd_u32(r);
  if (r->bad || (size_t)(r->end - r->p) < n) {
    r->bad = true;
    return JS_UNDEFINED;
  }
  JSValue s = rn_utf8_to_js(ctx, r->p, n);
  r->p += n;
  return s;
}

/* Reads one header into list[i] as [name, value]. false if the request
   is cut short or (exception pending) out of memory. */
static bool rd_header(JSContext *ctx, rn_reader_t *r, JSValueConst list, uint32_t i) {
  JSValue name = rd_string(ctx, r), value = rd_string(ctx, r);
  JSValue pair = r->bad || JS_IsException(name) || JS_IsException(value) ? JS_UNDEFINED
                                                                         : JS_NewArray(ctx);
  if (!JS_IsObject(pair)) {
    JS_FreeValue(ctx, name);
    JS_FreeValue(ctx, value);
    return false;
  }
  /* each call takes its value, so all three run */
  int rc = JS_DefinePropertyValueUint32(ctx, pair, 0, name, JS_PROP_C_W_E);
  rc |= JS_DefinePropertyValueUint32(ctx, pair, 1, value, JS_PROP_C_W_E);
  rc |= JS_DefinePropertyValueUint32(ctx, list, i, pair, JS_PROP_C_W_E);
  return rc >= 0;
}

/* The headers as an array of [name, value] (JS_EXCEPTION on failure). */
static JSValue rd_headers(JSContext *ctx, rn_reader_t *r) {
  uint32_t count = rd_u32(r);
  if (r->bad || count > (size_t)(r->end - r->p) / 8) { /* each takes 8 bytes at least */
    r->bad = true;
    return JS_EXCEPTION;
  }
  JSValue list = JS_NewArray(ctx);
  for (uint32_t i = 0; i < count && !JS_IsException(list); i++) {
    if (!rd_header(ctx, r, list, i)) {
      JS_FreeValue(ctx, list);
      list = JS_EXCEPTION;
    }
  }
  return list;
}

/* The Request the handler gets, or JS_EXCEPTION. */
static JSValue make_request(JSContext *ctx, const uint8_t *req, size_t len) {
  rn_reader_t r = {req, req + len, false};
  JSValue args[4];
  args[0] = rd_string(ctx, &r); /* method */
  args[1] = rd_string(ctx, &r); /* url */
  args[2] = rd_headers(ctx, &r);
  uint32_t body_len = rd_u32(&r);
  if (!r.bad && (size_t)(r.end - r.p) != body_len) r.bad = true;
  args[3] = r.bad || body_len == 0 ? JS_NULL : rn_native_u8(ctx, r.p, body_len);
  JSValue request = JS_EXCEPTION;
  if (r.bad)
    JS_ThrowInternalError(ctx, "malformed request (see the guest ABI)");
  else if (!JS_IsException(args[0]) && !JS_IsException(args[1]) && !JS_IsException(args[2]) &&
           !JS_IsException(args[3]))
    request = JS_Call(ctx, rn.make_request, JS_UNDEFINED, 4, (JSValueConst *)args);
  for (int i = 0; i < 4; i++) JS_FreeValue(ctx, args[i]);
  return request;
}

/* {====================== Waiting ======================} */

/* then() callbacks of the awaited promise; magic 1 for the rejection. */
static JSValue on_settled(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                          int magic, JSValue *data) {
  (void)this_val, (void)data;
  if (!rn_wait.done) {
    rn_wait.done = true;
    rn_wait.rejected = magic == 1;
    rn_wait.value = JS_DupValue(ctx, argc > 0 ? argv[0] : JS_UNDEFINED);
  }
  return JS_UNDEFINED;
}

/* The library's earliest timer: milliseconds until due, < 0 if none.
   false with an exception pending if the hook throws. */
static bool timer_delay(JSContext *ctx, double *ms) {
  JSValue d = JS_Call(ctx, rn.next_timer_delay, JS_UNDEFINED, 0, NULL);
  int rc = JS_IsException(d) ? -1 : JS_ToFloat64(ctx, ms, d);
  JS_FreeValue(ctx, d);
  if (rc == 0 && isnan(*ms)) *ms = -1;
  return rc == 0;
}

/* Sleeps ms milliseconds (WASI poll_oneoff on the monotonic clock). */
static void sleep_ms(double ms) {
  if (!(ms > 0)) return;
  if (ms > 86400e3) ms = 86400e3; /* the host's deadline ends it sooner */
  struct timespec ts = {(time_t)(ms / 1e3), (long)(fmod(ms, 1e3) * 1e6)};
  nanosleep(&ts, NULL);
}

/* The event loop until the awaited promise settles. Returns 0 when it is
   fulfilled, 1 rejected (*out owned), -1 with an exception pending (a job
   or hook threw), -2 when nothing is left that could settle it. */
static int event_loop(JSContext *ctx, JSValue *out) {
  for (;;) {
    if (!rn_run_jobs()) return -1;
    if (rn_wait.done) {
      *out = rn_wait.value;
      rn_wait.value = JS_UNDEFINED;
      return rn_wait.rejected ? 1 : 0;
    }
    double ms;
    if (!timer_delay(ctx, &ms)) return -1;
    if (ms < 0) return -2;
    sleep_ms(ms);
    JSValue r = JS_Call(ctx, rn.run_timers, JS_UNDEFINED, 0, NULL);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(ctx, r);
  }
}

bool rn_invoke_init(JSContext *ctx) {
  rn.on_settled[0] = JS_NewCFunctionData(ctx, on_settled, 1, 0, 0, NULL);
  rn.on_settled[1] = JS_NewCFunctionData(ctx, on_settled, 1, 1, 0, NULL);
  return !JS_IsException(rn.on_settled[0]) && !JS_IsException(rn.on_settled[1]);
}

/* A job calling then.call(thenable, resolve, reject) (argv in that
   order), rejecting if it throws: what Promise.resolve(thenable) queues. */
static JSValue thenable_job(JSContext *ctx, int argc, JSValueConst *argv) {
  (void)argc;
  JSValue r = JS_Call(ctx, argv[0], argv[1], 2, argv + 2);
  if (!JS_IsException(r)) return r;
  JSValue e = JS_GetException(ctx);
  r = JS_Call(ctx, argv[3], JS_UNDEFINED, 1, (JSValueConst *)&e);
  JS_FreeValue(ctx, e);
  return r;
}

/* A promise that settles as Promise.resolve(v) would, for an object v
   that is not a promise and whose `then` (already read) is callable;
   JS_EXCEPTION if one cannot be made. Takes then. */
static JSValue thenable_promise(JSContext *ctx, JSValueConst v, JSValue then) {
  JSValue fns[2];
  JSValue p = JS_NewPromiseCapability(ctx, fns);
  if (!JS_IsException(p)) {
    JSValueConst args[4] = {then, v, fns[0], fns[1]};
    if (JS_EnqueueJob(ctx, thenable_job, 4, args) < 0) {
      JS_FreeValue(ctx, p);
      p = JS_EXCEPTION;
    }
    JS_FreeValue(ctx, fns[0]);
    JS_FreeValue(ctx, fns[1]);
  }
  JS_FreeValue(ctx, then);
  return p;
}

/* Settles as `await v` would for a v that is not a native promise: a
   plain value (or an object whose `then` is not callable) right away,
   after the jobs already pending; a thenable through thenable_promise.
   Returns the promise to wait for, or JS_UNDEFINED when rn_wait is set.
   Takes v. */
static JSValue settle_value(JSContext *ctx, JSValue v) {
  JSValue then = JS_IsObject(v) ? JS_GetPropertyStr(ctx, v, "then") : JS_UNDEFINED;
  JSValue p = JS_UNDEFINED;
  if (JS_IsException(then)) {
    rn_wait.done = rn_wait.rejected = true;
    rn_wait.value = JS_GetException(ctx);
  } else if (JS_IsFunction(ctx, then)) {
    p = thenable_promise(ctx, v, then);
  } else {
    rn_wait.done = true;
    rn_wait.rejected = false;
    rn_wait.value = JS_DupValue(ctx, v);
    JS_FreeValue(ctx, then);
  }
  JS_FreeValue(ctx, v);
  return p;
}

/* Waits for v (taken), a promise, thenable or plain value, as `await`
   does; returns as event_loop does. The settled value is seen once every
   job queued before it has run, as a then() callback would see it. */
static int settle(JSContext *ctx, JSValue v, JSValue *out) {
  rn_wait.done = false;
  rn_wait.value = JS_UNDEFINED;
  JSValue p;
  if (JS_IsPromise(v)) {
    p = JS_Call(ctx, rn.promise_resolve, rn.promise_ctor, 1, (JSValueConst *)&v);
    JS_FreeValue(ctx, v);
  } else {
    p = settle_value(ctx, v);
  }
  if (JS_IsException(p)) return -1;
  if (!JS_IsUndefined(p)) {
    JSValue r = JS_Call(ctx, rn.promise_then, p, 2, (JSValueConst *)rn.on_settled);
    JS_FreeValue(ctx, p);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(ctx, r);
  }
  return event_loop(ctx, out);
}

/* settle(), with the failures written as the call's error record. Returns
   true with the fulfilled value in *out. */
static bool settle_or_fail(JSContext *ctx, JSValue v, JSValue *out) {
  int rc = settle(ctx, v, out);
  if (rc == 0) return true;
  if (rc == 1) JS_Throw(ctx, *out); /* the rejection is the error */
  if (rc == -2)
    rn_out_error(rn_never_settled, "", "");
  else
    rn_out_exception(ctx, false);
  return false;
}

/* {====================== Writing the response ======================} */

/* Writes arr[i] as a string of the ABI. */
static bool put_item(JSContext *ctx, JSValueConst arr, uint32_t i) {
  JSValue v = JS_GetPropertyUint32(ctx, arr, i);
  bool ok = !JS_IsException(v) && rn_buf_jsstr(rn_out(), ctx, v);
  JS_FreeValue(ctx, v);
  return ok;
}

/* The headers, an array of [name, value]. */
static bool put_headers(JSContext *ctx, JSValueConst headers) {
  int64_t count = -1;
  JSValue len = JS_GetPropertyStr(ctx, headers, "length");
  int rc = JS_IsException(len) ? -1 : JS_ToInt64(ctx, &count, len);
  JS_FreeValue(ctx, len);
  if (rc < 0) return false;
  if (count < 0 || count > UINT32_MAX) {
    JS_ThrowRangeError(ctx, "readResponse: too many headers");
    return false;
  }
  rn_buf_u32(rn_out(), (uint32_t)count);
  for (uint32_t i = 0; i < (uint32_t)count; i++) {
    JSValue pair = JS_GetPropertyUint32(ctx, headers, i);
    bool ok = !JS_IsException(pair) && put_item(ctx, pair, 0) && put_item(ctx, pair, 1);
    JS_FreeValue(ctx, pair);
    if (!ok) return false;
  }
  return true;
}

/* The body: a Uint8Array (any ArrayBuffer or view), or null/undefined. */
static bool put_body(JSContext *ctx, JSValueConst body) {
  uint8_t *p = NULL;
  size_t n = 0;
  if (!JS_IsUndefined(body) && !JS_IsNull(body) && !rn_native_bytes(ctx, body, &p, &n))
    return false;
  rn_buf_str(rn_out(), (const char *)p, n);
  return true;
}

/* Writes the response record from [status, headers, body]. */
static bool put_response(JSContext *ctx, JSValueConst parts) {
  JSValue status = JS_GetPropertyUint32(ctx, parts, 0);
  JSValue headers = JS_GetPropertyUint32(ctx, parts, 1);
  JSValue body = JS_GetPropertyUint32(ctx, parts, 2);
  uint32_t code = 0;
  rn_out()->len = 0;
  rn_buf_u32(rn_out(), 0);
  bool ok = !JS_IsException(status) && !JS_IsException(headers) && !JS_IsException(body) &&
            JS_ToUint32(ctx, &code, status) == 0;
  if (ok) rn_buf_u32(rn_out(), code);
  ok = ok && put_headers(ctx, headers) && put_body(ctx, body);
  JS_FreeValue(ctx, status);
  JS_FreeValue(ctx, headers);
  JS_FreeValue(ctx, body);
  if (ok) rn_out_logs();
  return ok;
}

/* readResponse(value) -> [status, headers, body], or a promise of it. */
static int respond(JSContext *ctx, JSValue value) {
  JSValue parts = JS_Call(ctx, rn.read_response, JS_UNDEFINED, 1, (JSValueConst *)&value);
  JS_FreeValue(ctx, value);
  if (JS_IsException(parts)) return rn_out_exception(ctx, false);
  if (JS_IsArray(ctx, parts) != 1 && !settle_or_fail(ctx, parts, &parts)) return 1;
  bool ok = put_response(ctx, parts);
  JS_FreeValue(ctx, parts);
  return ok ? 0 : rn_out_exception(ctx, false);
}

int rn_invoke(const uint8_t *req, size_t len) {
  JSContext *ctx = rn.ctx;
  JSValue request = make_request(ctx, req, len);
  if (JS_IsException(request)) return rn_out_exception(ctx, false);
  JSValue args[2] = {request, rn.env};
  JSValue result = JS_Call(ctx, rn.fetch, rn.handler, 2, (JSValueConst *)args);
  JS_FreeValue(ctx, request);
  if (JS_IsException(result)) return rn_out_exception(ctx, false);
  JSValue value;
  if (!settle_or_fail(ctx, result, &value)) return 1;
  return respond(ctx, value);
}
