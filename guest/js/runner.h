/* SPDX-License-Identifier: Apache-2.0 */
/*
** The runner of the JavaScript guest: QuickJS driven through the exports of
** guest/js/ABI.md. This header is shared by the runner's files only; their
** internal names carry the prefix rn_ (exports are wbjs_*).
**
**   runner.c         the exports: init, compile, load, invoke, buffers
**   runner_invoke.c  one request: Request in, the event loop, Response out
**   runner_out.c     the output buffer, records and the per-call logs
**   runner_native.c  the global __wb the Web API library starts from
**   runner_utf8.c    UTF-8 in and out of JavaScript strings
**   runner_alloc.c   QuickJS's allocator
**
** The guest is single-threaded and every call into it runs to completion,
** so the state lives in plain globals (they are part of the snapshots).
*/
#ifndef WBJS_RUNNER_H
#define WBJS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quickjs.h"

/* {====================== Exports (runner.c) ======================} */

/* The functions of ABI.md; pointers are guest addresses. */
#define WBJS_EXPORT(name) __attribute__((export_name(#name)))

WBJS_EXPORT(wbjs_init) void wbjs_init(void);
WBJS_EXPORT(wbjs_alloc) void *wbjs_alloc(uint32_t size);
WBJS_EXPORT(wbjs_free) void wbjs_free(void *ptr);
WBJS_EXPORT(wbjs_compile)
int32_t wbjs_compile(const char *src, uint32_t src_len, const char *name, uint32_t name_len);
WBJS_EXPORT(wbjs_load)
int32_t wbjs_load(const uint8_t *bc, uint32_t bc_len, const char *env, uint32_t env_len);
WBJS_EXPORT(wbjs_invoke) int32_t wbjs_invoke(const uint8_t *req, uint32_t req_len);
WBJS_EXPORT(wbjs_out_ptr) const uint8_t *wbjs_out_ptr(void);
WBJS_EXPORT(wbjs_out_len) uint32_t wbjs_out_len(void);

/* Runs the pending jobs (promise reactions); false with the exception of
   a job that threw pending. */
bool rn_run_jobs(void);

/* Prints why the guest cannot go on to stderr and traps (`unreachable`):
   used when even an error record cannot be made. */
_Noreturn void rn_die(const char *why);

/* {====================== Allocation (runner_alloc.c) ======================} */

/* The allocator given to JS_NewRuntime2. */
extern const JSMallocFunctions rn_alloc_funcs;
/* Whether an allocation of QuickJS failed since rn_alloc_reset (which
   rn_call_begin calls). */
bool rn_alloc_failed(void);
void rn_alloc_reset(void);
/* Before a snapshot (see runner_alloc.c): fills the holes of the heap, so
   that later calls allocate from fresh contiguous memory; makes room at
   the top of the heap for a request. */
void rn_alloc_fill_holes(void);
void rn_alloc_reserve(void);

/* {====================== Output (runner_out.c) ======================} */

/* A growable byte buffer; malloc'd, traps when memory runs out. */
typedef struct rn_buf {
  uint8_t *data;
  size_t len, cap;
} rn_buf_t;

void rn_buf_put(rn_buf_t *b, const void *p, size_t n);
void rn_buf_u32(rn_buf_t *b, uint32_t v);
/* A string of the ABI: u32 length, then the bytes. */
void rn_buf_str(rn_buf_t *b, const char *s, size_t n);
/* The same for a JavaScript value converted with String(); lone surrogates
   become U+FFFD. Returns false (exception pending) if conversion throws. */
bool rn_buf_jsstr(rn_buf_t *b, JSContext *ctx, JSValueConst v);

/* Starts the output of a call: drops the previous output and the logs. */
void rn_call_begin(void);
/* The output buffer being written (valid until the next rn_call_begin). */
rn_buf_t *rn_out(void);
/* Appends the logs of the call (the tail of every record). */
void rn_out_logs(void);
/* Replaces the output with an error record; returns 1 (the exports'
   failure code) for `return rn_out_error(...)`. */
int rn_out_error(const char *msg, const char *location, const char *stack);
/* The same from the pending exception of ctx (cleared): message is
   String(exception), stack its "stack" property, location "file:line:col"
   if with_location and the exception is a syntax error of the parser. A
   `null` thrown after an allocation failed is QuickJS's out-of-memory
   error without an object and reads "InternalError: out of memory". */
int rn_out_exception(JSContext *ctx, bool with_location);

/* Adds a log entry (level 0..4 as in the ABI) to the current call, within
   the 64 KiB budget of log text. */
void rn_log(uint32_t level, const char *text, size_t len);

/* {====================== UTF-8 (runner_utf8.c) ======================} */

/* Decodes s[0..n) as WHATWG's UTF-8 decoder does and writes valid UTF-8
   to out (room for 3*n bytes): each maximal invalid subsequence becomes
   U+FFFD. Returns the length written, or -1 on the first error if fatal. */
ptrdiff_t rn_utf8_clean(const uint8_t *s, size_t n, uint8_t *out, bool fatal);
/* Rewrites in place the lone surrogates QuickJS leaves in the UTF-8 it
   makes of a string (ED A0..BF xx) as U+FFFD (EF BF BD, same length). */
void rn_utf8_fix_surrogates(uint8_t *s, size_t n);
/* A JavaScript string from bytes that may be any UTF-8 (cleaned first). */
JSValue rn_utf8_to_js(JSContext *ctx, const uint8_t *s, size_t n);

/* {====================== Natives (runner_native.c) ======================} */

/* Defines globalThis.__wb (log, randomFill, utf8Encode, utf8Decode, now);
   returns false with an exception pending. */
bool rn_native_install(JSContext *ctx);
/* A new Uint8Array holding a copy of p[0..n). */
JSValue rn_native_u8(JSContext *ctx, const uint8_t *p, size_t n);
/* The bytes of an ArrayBuffer or an ArrayBuffer view (typed array or
   DataView): *out points into the buffer. false with an exception pending
   if v is neither (or is detached). */
bool rn_native_bytes(JSContext *ctx, JSValueConst v, uint8_t **out, size_t *len);
/* Milliseconds of the monotonic clock. */
double rn_native_now(void);
/* Takes the time origin (performance.timeOrigin) of the call starting. */
void rn_native_mark_origin(void);

/* {====================== Invocation (runner_invoke.c) ======================} */

/* What runner.c keeps for runner_invoke.c: set by init and load. */
typedef struct rn_state {
  JSRuntime *rt;
  JSContext *ctx;
  /* the hooks returned by the Web API library */
  JSValue make_request, read_response, next_timer_delay, run_timers;
  /* captured before any user code runs */
  JSValue promise_ctor, promise_resolve, promise_then;
  /* the loaded handler, its fetch method and its env; undefined until load */
  JSValue handler, fetch, env;
  /* the then() callbacks of the promise a request waits for (fulfilled,
     rejected): made once, at init */
  JSValue on_settled[2];
} rn_state_t;

extern rn_state_t rn;

/* Makes what rn_invoke keeps across requests (in rn); false with an
   exception pending. */
bool rn_invoke_init(JSContext *ctx);
/* Runs one request (the ABI's encoding); returns 0 with a response in the
   output, or 1 with an error. */
int rn_invoke(const uint8_t *req, size_t len);

#endif
