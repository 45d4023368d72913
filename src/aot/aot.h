/* SPDX-License-Identifier: Apache-2.0 */
/*
** The ahead-of-time tier (prefix aot_): a validated module is translated to
** one C file (emit*.c), compiled by the system C compiler into a shared
** object (compile.c), cached by content hash (cache.c), loaded with dlopen
** and bound to instances (glue.c). The generated code talks to the runtime
** only through the ABI in aot/abi.h. An AOT instance is an ordinary
** wb_instance_t: same memories, tables, globals and traps; only the code
** that runs its functions differs.
*/
#ifndef WB_AOT_AOT_H
#define WB_AOT_AOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "aot/abi.h"
#include "runtime/rt.h"
#include "util/util.h"
#include "wasm/module.h"

/* Bumped whenever the generated code changes meaning; part of the cache key. */
#define AOT_EMIT_VERSION 3u

/* The C text every generated file starts with (built once; static storage). */
const char *aot_prelude(void);

/* About how much C one unit (file) of a large module holds (units.c):
   AOT_UNIT_BYTES, or $WASMBOX_AOT_UNIT_BYTES (read once; small values
   test the cutting on small modules). Part of the cache key. */
#define AOT_UNIT_BYTES ((size_t)1 << 20)
size_t aot_unit_bytes(void);

/* A module translated to C: units[0] alone when it is small, else units
   compiled separately and linked (units[0]: the descriptor). */
typedef struct aot_csrc {
  ut_str_t *units;
  uint32_t n;
} aot_csrc_t;

/* Translates validated module m to C in *out (owned; aot_csrc_free). key
   (the cache key) is stored in the object's descriptor. */
void aot_emit_module(const wm_module_t *m, const uint8_t key[32], aot_csrc_t *out);
void aot_csrc_free(aot_csrc_t *s);

/* SHA-256 of n bytes. */
void aot_digest(const void *p, size_t n, uint8_t out[32]);
/* Plain SHA-256 of the concatenation of n parts. */
void aot_digest_parts(const void *const *parts, const size_t *lens, size_t n, uint8_t out[32]);
/* The 64-bit damage checksum (digest.c) of the regular file open as fd and
   the number of bytes it covers; false if the file cannot be read. */
bool aot_checksum_fd(int fd, uint64_t *sum, uint64_t *size);
void aot_digest_hex(const uint8_t d[32], char out[65]);

/* A loaded shared object, shared by the modules with the same bytes. */
typedef struct aot_artifact {
  _Atomic uint32_t refs;
  void *handle;             /* dlopen handle */
  const aot_desc *desc;
  aot_thunk_t *thunks;      /* desc->nfuncs entries, NULL where not enterable */
  aot_fn_t *direct;         /* the typed functions, likewise (see aot_desc) */
  uint8_t key[32];
  char path[1200];          /* the shared object it was loaded from */
} aot_artifact_t;

/* Module-side AOT state, hung from wb_module_t. */
typedef struct aot_module {
  _Atomic(aot_artifact_t *) art; /* set once the code is ready */
  pthread_t thread;              /* background compile (WB_ENGINE_AUTO) */
  bool thread_started;
} aot_module_t;

/* Compiler and cache configuration shared by compile.c and cache.c. */
typedef struct aot_cc {
  char path[512];     /* the compiler command */
  char version[256];  /* identity of the compiler binary (see compile.c) */
} aot_cc_t;

/* Finds the C compiler ($WASMBOX_CC, clang-19, gcc); NULL if none. Cached. */
const aot_cc_t *aot_cc_find(void);
/* The flags the compiler is run with (part of the cache key). */
const char *aot_cc_flags(void);
/* Compiles the C of src into a shared object at so_path, the units in
   parallel (one compiler per available CPU). tmpdir is a private folder
   for the C files ($WASMBOX_AOT_KEEP_C set: they are left there).
   Returns NULL or an owned error. */
wb_error_t *aot_cc_compile(const aot_cc_t *cc, const aot_csrc_t *src, const char *tmpdir,
                           const char *so_path, uint32_t nfuncs);
/* dlopens so_path and checks its descriptor; NULL or an owned error. */
wb_error_t *aot_artifact_open(const char *so_path, const uint8_t key[32],
                              aot_artifact_t **out);
void aot_artifact_release(aot_artifact_t *a);

/* Compiles m (bytes in m->bytes) or loads it from the caches. cache_dir
   NULL: $WASMBOX_CACHE or ~/.cache/wasmbox. NULL or an owned error. */
wb_error_t *aot_get(const wm_module_t *m, const char *cache_dir, aot_artifact_t **out);
/* Copies the cached shared object of m to path (compiling if needed). */
wb_error_t *aot_export(const wm_module_t *m, const char *cache_dir, const char *path);

/* Runs f through its AOT code if its module has some (binding the instance
   on first use), as rt_invoke describes. Returns -1 when f has no AOT code
   (the caller interprets it), else 0 or a trap code. Must run under
   rt_invoke's jump buffer. */
int aot_run(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp);
/* True when f will run as AOT code (binding its instance if needed). */
bool aot_ready(wb_func_t *f);
/* Frees an instance's AOT context (rt_instance_free). */
void aot_instance_free(wb_instance_t *inst);
/* Starts AOT work for a new module as its engine's tier asks (compile now,
   or in the background); NULL or an owned error. */
wb_error_t *aot_module_attach(wb_module_t *mod);
/* Module lifetime: joins a background compile, drops the artifact. */
void aot_module_free(aot_module_t *am);

#endif
