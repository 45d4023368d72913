/* SPDX-License-Identifier: Apache-2.0 */
/*
** The exports of the JavaScript guest (guest/js/ABI.md): one JSRuntime and
** one JSContext, made by wbjs_init and kept for the life of the instance
** (and of its snapshots), the handler module loaded into it by wbjs_load.
**
** The Web API library (the .js files of guest/js/lib, embedded at build
** time as rn_lib_text) runs once in wbjs_init, after the natives of
** runner_native.c; its completion value is the object of hooks the runner
** calls (RUNTIME.md).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "wbjs_lib.h" /* generated: rn_lib_text */

/* The C stack is 1 MiB (linked with -z stack-size); QuickJS throws
   "InternalError: stack overflow" past this much of it, leaving room for
   the C code (printf, the regexp compiler) below its last check. */
#define RN_JS_STACK_BYTES (768u * 1024u)
static const char rn_lib_name[] = "wasmbox-lib.js";

/* Defined by wasm-ld: runs the C constructors (we link without crt1). */
extern void __wasm_call_ctors(void);

rn_state_t rn;

/* {====================== Helpers ======================} */

bool rn_run_jobs(void) {
  JSContext *job_ctx;
  int rc;
  while ((rc = JS_ExecutePendingJob(rn.rt, &job_ctx)) > 0) continue;
  return rc == 0;
}

/* At init nothing can be reported but to stderr: prints the pending
   exception and traps. */
static _Noreturn void die_exception(const char *what) {
  JSValue exc = JS_GetException(rn.ctx);
  const char *msg = JS_ToCString(rn.ctx, exc);
  JSValue stack = JS_IsObject(exc) ? JS_GetPropertyStr(rn.ctx, exc, "stack") : JS_UNDEFINED;
  const char *st = JS_IsString(stack) ? JS_ToCString(rn.ctx, stack) : NULL;
  fprintf(stderr, "wasmbox-js guest: %s: %s\n%s", what, msg ? msg : "(exception)", st ? st : "");
  rn_die(what);
}

/* A NUL-terminated copy of s[0..n) (QuickJS's parsers need the NUL). */
static char *dup_nul(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* {====================== Init ======================} */

/* obj[name], which must be a function (dies otherwise). */
static JSValue must_function(JSValueConst obj, const char *name, const char *what) {
  JSValue f = JS_GetPropertyStr(rn.ctx, obj, name);
  if (!JS_IsFunction(rn.ctx, f)) {
    fprintf(stderr, "wasmbox-js guest: %s has no function %s\n", what, name);
    rn_die("bad init");
  }
  return f;
}

/* Promise, Promise.resolve and Promise.prototype.then as they are before
   any script can replace them: the event loop waits with them. */
static void capture_promise(void) {
  JSValue global = JS_GetGlobalObject(rn.ctx);
  rn.promise_ctor = must_function(global, "Promise", "globalThis");
  rn.promise_resolve = must_function(rn.promise_ctor, "resolve", "Promise");
  JSValue proto = JS_GetPropertyStr(rn.ctx, rn.promise_ctor, "prototype");
  rn.promise_then = must_function(proto, "then", "Promise.prototype");
  JS_FreeValue(rn.ctx, proto);
  JS_FreeValue(rn.ctx, global);
}

/* Runs the Web API library and keeps the hooks it returns. */
static void run_library(void) {
  if (!rn_native_install(rn.ctx)) die_exception("installing __wb");
  JSValue hooks = JS_Eval(rn.ctx, rn_lib_text, sizeof rn_lib_text - 1, rn_lib_name,
                          JS_EVAL_TYPE_GLOBAL);
  if (JS_IsException(hooks)) die_exception("the Web API library threw");
  if (!JS_IsObject(hooks)) rn_die("the Web API library's completion value is not an object");
  rn.make_request = must_function(hooks, "makeRequest", "the library's hooks");
  rn.read_response = must_function(hooks, "readResponse", "the library's hooks");
  rn.next_timer_delay = must_function(hooks, "nextTimerDelay", "the library's hooks");
  rn.run_timers = must_function(hooks, "runTimers", "the library's hooks");
  JS_FreeValue(rn.ctx, hooks);
  if (!rn_run_jobs()) die_exception("a job of the Web API library threw");
}

void wbjs_init(void) {
  if (rn.rt) rn_die("wbjs_init called twice");
  __wasm_call_ctors();
  rn.handler = rn.fetch = rn.env = JS_UNDEFINED;
  rn.rt = JS_NewRuntime2(&rn_alloc_funcs, NULL);
  if (!rn.rt) rn_die("cannot create the JavaScript runtime");
  JS_SetMaxStackSize(rn.rt, RN_JS_STACK_BYTES);
  rn.ctx = JS_NewContext(rn.rt);
  if (!rn.ctx) rn_die("cannot create the JavaScript context");
  capture_promise();
  if (!rn_invoke_init(rn.ctx)) die_exception("making the event loop's callbacks");
  rn_call_begin();
  run_library();
  /* What the library made lives as long as the instance: frozen now, and
     its holes filled, wbjs_load has little left to do (its own garbage
     leaves holes only near the top). */
  if (JS_FreezeRuntime(rn.ctx) < 0) die_exception("freezing the library");
  rn_alloc_fill_holes();
  rn_call_begin(); /* what the library logged is not anyone's output */
}

/* {====================== Buffers ======================} */

void *wbjs_alloc(uint32_t size) { return malloc(size ? size : 1); }

void wbjs_free(void *ptr) { free(ptr); }

const uint8_t *wbjs_out_ptr(void) { return rn_out()->data; }

uint32_t wbjs_out_len(void) { return (uint32_t)rn_out()->len; }

/* {====================== Compile ======================} */

int32_t wbjs_compile(const char *src, uint32_t src_len, const char *name, uint32_t name_len) {
  rn_call_begin();
  if (!rn.ctx) return rn_out_error("wbjs_init has not run", "", "");
  char *code = dup_nul(src, src_len), *file = dup_nul(name, name_len);
  JSValue mod = JS_EXCEPTION;
  if (code && file)
    mod = JS_Eval(rn.ctx, code, src_len, file, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
  else
    JS_ThrowOutOfMemory(rn.ctx);
  free(code);
  free(file);
  if (JS_IsException(mod)) return rn_out_exception(rn.ctx, true);
  size_t n;
  uint8_t *bc = JS_WriteObject(rn.ctx, &n, mod, JS_WRITE_OBJ_BYTECODE);
  JS_FreeValue(rn.ctx, mod);
  if (!bc) return rn_out_exception(rn.ctx, false);
  rn_buf_put(rn_out(), bc, n);
  js_free(rn.ctx, bc);
  return 0;
}

/* {====================== Load ======================} */

/* Freezes an object and everything reachable through its own properties. */
static const char rn_deep_freeze_js[] =
    "(function deepFreeze(o) {\n"
    "  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {\n"
    "    Object.freeze(o);\n"
    "    for (const k of Object.keys(o)) deepFreeze(o[k]);\n"
    "  }\n"
    "  return o;\n"
    "})";

/* env: JSON text of an object ("" counts as {}), parsed and deep-frozen.
   JS_EXCEPTION with an exception pending if it is not that. */
static JSValue parse_env(const char *text, size_t n) {
  if (n == 0) {
    text = "{}";
    n = 2;
  }
  char *json = dup_nul(text, n);
  if (!json) return JS_ThrowOutOfMemory(rn.ctx);
  JSValue env = JS_ParseJSON(rn.ctx, json, n, "env");
  free(json);
  if (JS_IsException(env)) return env;
  if (!JS_IsObject(env) || JS_IsArray(rn.ctx, env) || JS_IsFunction(rn.ctx, env)) {
    JS_FreeValue(rn.ctx, env);
    return JS_ThrowTypeError(rn.ctx, "env must be a JSON object");
  }
  JSValue freeze = JS_Eval(rn.ctx, rn_deep_freeze_js, sizeof rn_deep_freeze_js - 1, "<env>",
                           JS_EVAL_TYPE_GLOBAL);
  JSValue frozen = JS_IsException(freeze) ? freeze : JS_Call(rn.ctx, freeze, JS_UNDEFINED, 1, &env);
  JS_FreeValue(rn.ctx, freeze);
  JS_FreeValue(rn.ctx, env);
  return frozen;
}

/* Reads the module's bytecode and evaluates it. Returns its module record,
   or NULL with an exception pending. */
static JSModuleDef *eval_module(const uint8_t *bc, size_t n) {
  JSValue mod = JS_ReadObject(rn.ctx, bc, n, JS_READ_OBJ_BYTECODE);
  if (JS_IsException(mod)) return NULL;
  if (JS_VALUE_GET_TAG(mod) != JS_TAG_MODULE) {
    JS_FreeValue(rn.ctx, mod);
    JS_ThrowTypeError(rn.ctx, "the bytecode is not a module's");
    return NULL;
  }
  JSModuleDef *m = JS_VALUE_GET_PTR(mod);
  if (JS_ResolveModule(rn.ctx, mod) < 0) {
    JS_FreeValue(rn.ctx, mod);
    return NULL;
  }
  JSValue r = JS_EvalFunction(rn.ctx, mod); /* takes mod */
  if (JS_IsException(r)) return NULL;
  JS_FreeValue(rn.ctx, r);
  return rn_run_jobs() ? m : NULL;
}

/* Keeps the module's default export and its fetch method as the handler.
   false with an exception pending if there is none. */
static bool keep_handler(JSModuleDef *m) {
  JSValue ns = JS_GetModuleNamespace(rn.ctx, m);
  if (JS_IsException(ns)) return false;
  JSValue handler = JS_GetPropertyStr(rn.ctx, ns, "default");
  JS_FreeValue(rn.ctx, ns);
  JSValue fetch = JS_IsObject(handler) ? JS_GetPropertyStr(rn.ctx, handler, "fetch") : JS_UNDEFINED;
  if (JS_IsException(fetch) || !JS_IsFunction(rn.ctx, fetch)) {
    JS_FreeValue(rn.ctx, handler);
    if (!JS_IsException(fetch))
      JS_ThrowTypeError(rn.ctx, "the module's default export has no fetch method");
    JS_FreeValue(rn.ctx, fetch);
    return false;
  }
  rn.handler = handler;
  rn.fetch = fetch;
  return true;
}

int32_t wbjs_load(const uint8_t *bc, uint32_t bc_len, const char *env, uint32_t env_len) {
  rn_call_begin();
  if (!rn.ctx) return rn_out_error("wbjs_init has not run", "", "");
  if (!JS_IsUndefined(rn.handler)) return rn_out_error("a handler is already loaded", "", "");
  JSValue envv = parse_env(env, env_len);
  if (JS_IsException(envv)) return rn_out_exception(rn.ctx, false);
  JSModuleDef *m = eval_module(bc, bc_len);
  if (!m || !keep_handler(m)) {
    JS_FreeValue(rn.ctx, envv);
    return rn_out_exception(rn.ctx, false);
  }
  rn.env = envv;
  if (JS_FreezeRuntime(rn.ctx) < 0) return rn_out_exception(rn.ctx, false);
  rn_alloc_reserve();
  rn_buf_u32(rn_out(), 0);
  rn_out_logs();
  return 0;
}

/* {====================== Invoke ======================} */

int32_t wbjs_invoke(const uint8_t *req, uint32_t req_len) {
  rn_call_begin();
  if (!rn.ctx || JS_IsUndefined(rn.handler)) return rn_out_error("no handler is loaded", "", "");
  /* Math.random: a seed taken at init would be in every snapshot */
  uint64_t seed;
  if (getentropy(&seed, sizeof seed) == 0) JS_SetRandomSeed(rn.ctx, seed);
  return rn_invoke(req, req_len);
}
