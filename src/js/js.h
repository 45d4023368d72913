/* SPDX-License-Identifier: Apache-2.0 */
/*
** Internals of the js layer (prefix js_): the embedded guest, calls into
** it, the wire formats of guest/js/ABI.md, the bytecode cache, and the
** guest's poll_oneoff.
**
**   guest.c     the embedded wasm and its SHA-256 (the engine version)
**   vm.c        calls into a guest instance: exports by name, inputs
**               written through wbjs_alloc, the output buffer read back
**   codec.c     request encoding; response, error and log decoding
**   cache.c     bytecode cache: memory LRU + disk, keyed by SHA-256
**   poll.c      poll_oneoff for the guest: timers that respect the
**               invocation's deadline
**   runtime.c   wb_js_runtime_*: guest module, WASI, base template
**   function.c  wb_js_function_*: deploy and invoke
*/
#ifndef WB_JS_INTERNAL_H
#define WB_JS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"
#include "wasmbox_js.h"

#define JS_HASH_LEN 32

/* {====================== Guest ======================} */

/* The embedded guest module; static storage. */
const uint8_t *js_guest_bytes(size_t *len);
/* SHA-256 of the guest, computed once; static storage. */
const uint8_t *js_guest_hash(void);

/* SHA-256 of n (pointer, length) pairs, each length-prefixed so that no
   two different lists hash alike. */
void js_sha256(const void *const *parts, const size_t *lens, size_t n, uint8_t out[JS_HASH_LEN]);

/* {====================== Calls into an instance ======================} */

/* One guest instance being driven. A failed step leaves an owned trap
   (the guest trapped) or error (the guest broke the ABI) here; later steps
   then do nothing. */
typedef struct js_vm {
  wb_store_t *store;
  wb_instance_t *inst;
  wb_trap_t *trap;
  wb_error_t *err;
} js_vm_t;

/* Calls export name with i32 arguments; *result gets its i32 result if it
   has one. False once anything failed. */
bool js_vm_call(js_vm_t *vm, const char *name, const int32_t *args, size_t nargs, int32_t *result);
/* Makes room for len bytes in the guest (wbjs_alloc) and returns their
   address in *ptr and their host view in *host (valid until the next
   call into the guest). */
bool js_vm_alloc(js_vm_t *vm, size_t len, int32_t *ptr, uint8_t **host);
/* The host view of guest bytes [ptr, ptr + len) (valid until the next
   call into the guest); NULL if ptr is 0 or the range is outside memory. */
uint8_t *js_vm_span(js_vm_t *vm, int32_t ptr, size_t len);
/* wbjs_alloc + copy. */
bool js_vm_put(js_vm_t *vm, const void *data, size_t len, int32_t *ptr);
/* The output buffer of the last call (borrowed from guest memory). */
bool js_vm_output(js_vm_t *vm, const uint8_t **out, size_t *len);
/* Frees what the steps left (trap, error). */
void js_vm_clear(js_vm_t *vm);

/* {====================== Wire formats ======================} */

/* Bytes of req in the ABI's encoding; 0 if it cannot be encoded (a field
   over 4 GiB, a NULL method or url). */
size_t js_request_size(const wb_js_request_t *req);
/* Writes the encoding (js_request_size bytes) to out. */
void js_request_encode(const wb_js_request_t *req, uint8_t *out);

/* What an output buffer holds. */
typedef enum js_out_kind {
  JS_OUT_RESPONSE, /* wbjs_invoke: a response or an error */
  JS_OUT_LOAD,     /* wbjs_load: kind 0 + logs, or an error */
} js_out_kind_t;

/* Decodes an output buffer into res (outcome WB_JS_OK or
   WB_JS_EXCEPTION; for JS_OUT_LOAD success, only logs). Everything goes
   into one allocation, freed by wb_js_result_free. *location (if not
   NULL) gets an error's "file:line:col", "" if none, borrowed from res.
   False if the buffer is malformed (res is then empty). */
bool js_decode(const uint8_t *buf, size_t len, js_out_kind_t kind, wb_js_result_t *res,
               const char **location);
/* Fills res with nothing but an outcome and a message (copied); the
   remaining fields empty. */
void js_result_message(wb_js_result_t *res, wb_js_outcome_t outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The error of a failed wbjs_compile or wbjs_load as one owned error:
   "LOCATION: MESSAGE" for a syntax error, else "MESSAGE" followed by the
   stack on the next lines. */
wb_error_t *js_error_from(const wb_js_result_t *res, const char *location);

/* {====================== Bytecode cache ======================} */

typedef struct js_cache js_cache_t;

/* dir: the disk folder (NULL: no disk cache); entries: memory LRU bound.
   dir is copied. */
js_cache_t *js_cache_new(const char *dir, uint32_t entries);
void js_cache_delete(js_cache_t *c);
/* Looks key up, in memory then on disk; a disk hit is promoted to memory.
   Returns a malloc'ed copy (owned by the caller) or NULL; *from_disk
   says where it was. */
uint8_t *js_cache_get(js_cache_t *c, const uint8_t key[JS_HASH_LEN], size_t *len, bool *from_disk);
/* Stores a copy of bc in memory and on disk (failures to write are
   ignored: the cache is an optimisation). */
void js_cache_put(js_cache_t *c, const uint8_t key[JS_HASH_LEN], const uint8_t *bc, size_t len);

/* {====================== Timers ======================} */

/* Defines wasi_snapshot_preview1.poll_oneoff in linker (replacing WASI's):
   clock subscriptions only, and a wait that would pass the calling
   thread's invocation deadline traps with WB_TRAP_INTERRUPT when the
   deadline comes instead. */
wb_error_t *js_poll_link(wb_linker_t *linker);
/* Sets the calling thread's invocation deadline to timeout_ns from now
   (0: none). */
void js_poll_deadline_set(uint64_t timeout_ns);

/* Monotonic clock in nanoseconds. */
uint64_t js_now_ns(void);

#endif
