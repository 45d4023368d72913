/* SPDX-License-Identifier: Apache-2.0 */
/*
** Functions (prefix srv_fn): one deployed version of one function, of
** either kind, behind the same calls.
**
**   wasm  a WASI command module run the CGI way (fn_wasm.c): a template
**         per version, a pool of instances, _start per request
**   js    a Workers-style handler (fn_js.c) on the JavaScript runtime of
**         include/wasmbox_js.h; present when the build has it
**
** A version is made complete or not at all: srv_fn_new validates,
** compiles and snapshots (the template is the snapshot) and tries one
** instance before returning, so a version that exists can serve. Versions
** are immutable afterwards apart from counters, and reference counted
** (they start with srv_ref_t), so the registry can swap them while
** requests still run on the old one.
**
** Admission: a version admits max_instances + queue requests at once;
** beyond that srv_fn_invoke answers SRV_BUSY at once (503) instead of
** letting waiters pile up. Admitted requests beyond max_instances wait
** for an instance up to the function's timeout.
*/
#ifndef WB_SERVER_FN_H
#define WB_SERVER_FN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/buf.h"
#include "server/config.h"
#include "server/metrics.h"
#include "server/registry.h"
#include "server/request.h"
#include "wasmbox.h"

typedef enum srv_kind {
  SRV_KIND_WASM = 0,
  SRV_KIND_JS = 1,
} srv_kind_t;

/* How an invocation ended; the names are the metrics' outcome labels. */
typedef enum srv_outcome {
  SRV_OK = 0,  /* the function answered (any status) */
  SRV_ERROR,   /* exception, bad output, non-zero exit: 500 */
  SRV_TRAP,    /* the guest trapped: 500 */
  SRV_TIMEOUT, /* the deadline hit: 504 */
  SRV_BUSY,    /* no instance within the queue bound or wait: 503 */
  SRV_NOUTCOMES
} srv_outcome_t;

extern const char *const srv_outcome_names[SRV_NOUTCOMES];
extern const char *const srv_kind_names[2];

typedef struct srv_result {
  srv_outcome_t outcome;
  srv_resp_t resp;       /* SRV_OK: the response */
  srv_buf_t detail;      /* otherwise: what happened, for the log only */
  const char *trap_kind; /* a trap's kind for wasmbox_traps_total, or NULL */
  bool reused;           /* ran on a pooled instance (not made for it) */
  bool ran;              /* an instance ran at all */
} srv_result_t;

void srv_result_free(srv_result_t *r);

/* What every deploy needs; one per daemon. Thread-safe once made. */
typedef struct srv_runtime {
  wb_engine_t *engine;      /* the JavaScript runtime's; borrowed */
  wb_engine_t *wasm_engine; /* WASI functions'; borrowed (may be engine) */
  bool aot;                 /* compile WASI modules ahead of time at deploy */
  uint32_t workers;         /* max_instances when a function says 0 */
  const char *cache_dir;    /* JS bytecode cache; NULL for the default */
  pthread_mutex_t lock;     /* the caches below */
  void *modules;            /* fn_wasm.c: compiled modules by SHA-256 */
  _Atomic(void *) js;       /* fn_js.c: the JavaScript runtime, made lazily */
  atomic_uint_fast64_t wasm_hits, wasm_misses;
} srv_runtime_t;

void srv_runtime_init(srv_runtime_t *rt, wb_engine_t *engine, wb_engine_t *wasm_engine, bool aot,
                      uint32_t workers);
/* Frees the caches; every function must be gone. */
void srv_runtime_fini(srv_runtime_t *rt);
/* Bytecode/module cache counters by kind: [0] wasm, [1] js. */
void srv_runtime_cache_stats(srv_runtime_t *rt, uint64_t hits[2], uint64_t misses[2]);
/* Whether this build runs JavaScript functions. */
bool srv_runtime_has_js(void);

typedef struct srv_fn srv_fn_t;

typedef struct srv_fn_ops {
  void (*invoke)(srv_fn_t *fn, const srv_req_t *req, srv_result_t *out);
  void (*pool)(srv_fn_t *fn, wb_pool_stats_t *out);
  void (*destroy)(srv_fn_t *fn);
} srv_fn_ops_t;

struct srv_fn {
  srv_ref_t ref; /* first: what the registry holds */
  const srv_fn_ops_t *ops;
  srv_runtime_t *rt;
  srv_kind_t kind;
  char *name;
  uint32_t version;       /* set by the deployer */
  srv_config_t cfg;       /* max_instances resolved (never 0) */
  char sha256[65];        /* of the code, hex */
  double compile_seconds; /* validate + compile + snapshot */
  int64_t deployed_at;    /* Unix time */
  atomic_uint inflight;   /* admitted and not finished */
  /* Metric cells of the function's name, set by the deployer (may stay
     NULL in tests): invocations by outcome, duration. */
  srv_cell_t *invocations[SRV_NOUTCOMES];
  srv_cell_t *duration;
  void *impl; /* the kind's state */
};

/* Deploys code as function name: validated, compiled and snapshotted.
   cfg is copied. On success returns 0 and *out (one reference, the
   caller's). On failure returns the HTTP status that says why (400: not
   code of that kind; 422: invalid, does not compile or its initialisation
   failed; 500: the daemon could not) with *error (owned, one line or a
   few). */
int srv_fn_new(srv_runtime_t *rt, const char *name, srv_kind_t kind, const uint8_t *code,
               size_t len, const srv_config_t *cfg, srv_fn_t **out, char **error);

/* Runs one request (admission, then the kind's invoke). Always fills *out;
   free it with srv_result_free. */
void srv_fn_invoke(srv_fn_t *fn, const srv_req_t *req, srv_result_t *out);

/* Pool counts of the version. */
void srv_fn_pool(srv_fn_t *fn, wb_pool_stats_t *out);

/* The kinds (fn_wasm.c, fn_js.c): fill fn->impl and fn->ops, or return a
   status and *error as srv_fn_new. */
int srv_wasm_deploy(srv_fn_t *fn, const uint8_t *code, size_t len, char **error);
int srv_js_deploy(srv_fn_t *fn, const uint8_t *code, size_t len, char **error);
void srv_wasm_cache_fini(srv_runtime_t *rt);
void srv_js_runtime_fini(srv_runtime_t *rt);
void srv_js_cache_stats(srv_runtime_t *rt, uint64_t *hits, uint64_t *misses);

/* Short snake_case name of a trap code for labels ("unreachable",
   "memory_out_of_bounds", "interrupt", ...); static storage. */
const char *srv_trap_kind(wb_trap_code_t code);

#endif
