/* SPDX-License-Identifier: Apache-2.0 */
/*
** wasmbox JavaScript functions: Workers-style handlers run by QuickJS
** inside a sandbox.
**
**   export default { async fetch(request, env) { return new Response("hi") } }
**
** A runtime holds the JavaScript guest (QuickJS compiled to wasm, compiled
** ahead of time), its base template (engine and Web API library
** initialised) and the bytecode cache. A function is one handler deployed
** on a runtime: its source compiled to bytecode (cached by SHA-256 of
** source and engine), evaluated once and frozen as a template of its own,
** with a pool of instances. An invocation borrows an instance, runs one
** request and gives the instance back reset, so no state leaks from one
** request to the next, and an exception, a trap or a limit fails that
** invocation only.
**
** Thread-safety: a runtime and its functions may be used from any number
** of threads at once (invocations of one function run in parallel on
** separate instances); deleting one while it is in use is not allowed.
**
** Sandbox: the guest gets clocks and randomness only (no files, network,
** environment or arguments); its stdout and stderr go to the host's
** stderr, used only when the guest itself cannot go on. Timers respect
** the timeout: a wait that would pass it ends the invocation then.
*/
#ifndef WASMBOX_JS_H
#define WASMBOX_JS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmbox.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wb_js_runtime wb_js_runtime_t;
typedef struct wb_js_function wb_js_function_t;

/* {====================== Runtime ======================} */

typedef struct wb_js_runtime_config {
  /* On-disk bytecode cache folder; NULL or "" for the default
     ($WASMBOX_CACHE/js, else $XDG_CACHE_HOME/wasmbox/js, else
     ~/.cache/wasmbox/js). Files are checked against their SHA-256 before
     use; the folder is bounded by $WASMBOX_JS_CACHE_MAX_MB (default 256),
     least recently used out first. */
  const char *cache_dir;
  bool no_disk_cache;            /* memory cache only */
  uint32_t memory_cache_entries; /* LRU bound; 0 for the default (256);
                                    at most 64 MiB of bytecode either way */
} wb_js_runtime_config_t;

/* Makes a runtime on engine (borrowed; it must outlive the runtime): loads
   the guest (native code from the AOT cache, compiling it on first use when
   the engine's tier is AOT or AUTO), instantiates it and snapshots the
   initialised engine. cfg is copied; NULL for defaults. Returns NULL and
   sets *out (owned by the caller), or an owned error. */
wb_error_t *wb_js_runtime_new(wb_engine_t *engine, const wb_js_runtime_config_t *cfg,
                              wb_js_runtime_t **out);
/* Frees a runtime; its functions must be deleted first. */
void wb_js_runtime_delete(wb_js_runtime_t *rt);

typedef struct wb_js_runtime_stats {
  uint64_t cache_hits;   /* bytecode found in memory or on disk */
  uint64_t cache_misses; /* compiled */
  uint64_t memory_hits, disk_hits;
} wb_js_runtime_stats_t;
void wb_js_runtime_stats(wb_js_runtime_t *rt, wb_js_runtime_stats_t *out);

/* {====================== Functions ======================} */

/* One line of console output (console.log, .info, .warn, .error, .debug). */
typedef enum wb_js_log_level {
  WB_JS_LOG = 0,
  WB_JS_INFO,
  WB_JS_WARN,
  WB_JS_ERROR,
  WB_JS_DEBUG,
} wb_js_log_level_t;

typedef struct wb_js_log {
  wb_js_log_level_t level;
  char *text; /* NUL-terminated */
} wb_js_log_t;

typedef struct wb_js_function_config {
  const char *filename; /* shown in errors and stacks, e.g. "hello.js" */
  const char *source;   /* the handler module (UTF-8); copied */
  size_t source_len;
  const char *env_json; /* JSON object given to the handler as env (deeply
                           frozen); NULL: {}. Not an object: deploy fails */
  /* Both limits apply to the module's evaluation and to each invocation.
     Memory is the guest's whole linear memory, QuickJS and the Web API
     library included (a few MiB): a limit below that fails the deploy. */
  uint64_t max_memory_bytes; /* 0 for the default (32 MiB) */
  uint64_t timeout_ns;       /* wall time; 0 for the default (5 s) */
  uint32_t max_instances;    /* pool bound; 0 for no bound */
  /* Called during wb_js_function_new with each line of console output of
     the module's evaluation (its top-level code), in order, whether the
     deployment succeeds or not; log is borrowed for the call. NULL drops
     them. */
  void (*on_log)(void *log_env, const wb_js_log_t *log);
  void *log_env;
} wb_js_function_config_t;

/* Deploys a handler: compiles it (or takes its bytecode from the cache),
   evaluates the module once under the function's limits, checks that its
   default export has a fetch method, and freezes the result as the
   function's template. On failure returns an owned error whose message
   says what went wrong: for a syntax error "file:line:col: SyntaxError:
   ...", for an exception during evaluation its message and JS stack.
   Otherwise NULL, with *out owned by the caller. */
wb_error_t *wb_js_function_new(wb_js_runtime_t *rt, const wb_js_function_config_t *cfg,
                               wb_js_function_t **out);
/* Frees a function; no invocation may be running. */
void wb_js_function_delete(wb_js_function_t *fn);

/* {====================== Invocations ======================} */

typedef struct wb_js_header {
  const char *name, *value;
  size_t name_len, value_len;
} wb_js_header_t;

/* A request. Everything is borrowed for the duration of the call. */
typedef struct wb_js_request {
  const char *method; /* NUL-terminated, e.g. "GET" */
  const char *url;    /* absolute, NUL-terminated: "http://host/path?q" */
  const wb_js_header_t *headers;
  size_t nheaders;
  const uint8_t *body;
  size_t body_len;
} wb_js_request_t;

typedef enum wb_js_outcome {
  WB_JS_OK = 0,    /* the handler returned a Response */
  WB_JS_EXCEPTION, /* it threw, rejected, never settled or returned no Response */
  WB_JS_TIMEOUT,   /* the invocation ran out of time (deadline trap) */
  WB_JS_TRAP,      /* another trap, e.g. memory exhaustion inside QuickJS */
  WB_JS_BUSY,      /* no instance free within the wait */
} wb_js_outcome_t;

/* The result of one invocation; filled by wb_js_function_invoke and freed
   with wb_js_result_free (which frees every pointer in it). */
typedef struct wb_js_result {
  wb_js_outcome_t outcome;
  /* WB_JS_OK: the response. */
  uint16_t status;
  wb_js_header_t *headers; /* name and value NUL-terminated as well */
  size_t nheaders;
  uint8_t *body;
  size_t body_len;
  /* Other outcomes: a one-line message ("TypeError: x is not a function",
     "timeout: ran longer than 5 s (deadline exceeded)", "out of memory:
     ...", "pool exhausted: ...") and the JS stack if any. Both are always
     NUL-terminated strings ("" when there is nothing to say), and, for
     WB_JS_TIMEOUT and WB_JS_TRAP, the trap code (0 otherwise). */
  char *error;
  char *stack;
  wb_trap_code_t trap_code;
  wb_js_log_t *logs; /* console output of the invocation, in order (none
                        when the guest trapped: its output is lost) */
  size_t nlogs;
  bool reused; /* ran on an instance that had served before (reset)
                  rather than a new one */
  uint64_t duration_ns;
  void *block_; /* internal: the one allocation behind the pointers */
} wb_js_result_t;

typedef struct wb_js_invoke_options {
  uint64_t wait_ns; /* how long to wait for a free instance (0: fail at once) */
} wb_js_invoke_options_t;

/* Runs one request on a fresh (reset) instance of fn. Always fills *out
   (outcome says how it went; owned by the caller): free it with
   wb_js_result_free. opts may be NULL (wait forever for an instance when
   the pool is bounded). A request without method or url fails with
   WB_JS_EXCEPTION before anything runs. Requests up to 16 KiB are written
   into a buffer already in the instance (no allocation in the guest). */
void wb_js_function_invoke(wb_js_function_t *fn, const wb_js_request_t *req,
                           const wb_js_invoke_options_t *opts, wb_js_result_t *out);
/* Frees what a result points to and zeroes it; NULL is allowed. */
void wb_js_result_free(wb_js_result_t *res);

typedef struct wb_js_function_stats {
  wb_pool_stats_t pool;
  uint64_t invocations;
  uint64_t outcomes[WB_JS_BUSY + 1];
} wb_js_function_stats_t;
void wb_js_function_stats(wb_js_function_t *fn, wb_js_function_stats_t *out);

#ifdef __cplusplus
}
#endif
#endif
