/* SPDX-License-Identifier: Apache-2.0 */
/*
** wasmbox public C API.
**
** Object model (each object lives no longer than the one it hangs from):
**
**   wb_engine_t    shared configuration and the canonical function-type table;
**                  safe to share between threads.
**   wb_module_t    a decoded, validated and lowered module; immutable, may be
**                  instantiated any number of times, from any thread.
**   wb_store_t     a set of instances and the objects they use (functions,
**                  tables, memories, globals). One thread at a time.
**   wb_linker_t    named definitions used to satisfy a module's imports.
**   wb_instance_t  an instantiated module; owned by its store.
**
** Errors come through two channels, as in wasmtime:
**   - wb_error_t: an owned object for decode, validation, link and usage
**     errors, carrying a message and, for decode/validation, a byte offset.
**   - wb_trap_t:  an owned object for traps raised while running guest code,
**     carrying a wb_trap_code_t, a message and a wasm backtrace.
**
** Ownership: functions returning `wb_*_t *` through an `out` parameter or a
** return value hand ownership to the caller unless the comment says the
** object is borrowed. Functions, tables, memories and globals are owned by
** their store and stay valid until it is deleted; there is nothing to free.
*/
#ifndef WASMBOX_H
#define WASMBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WASMBOX_VERSION "0.1.0"

/* {====================== Values and types ======================} */

/* Value kinds use their WebAssembly binary encoding. */
typedef enum wb_valkind {
  WB_I32 = 0x7F,
  WB_I64 = 0x7E,
  WB_F32 = 0x7D,
  WB_F64 = 0x7C,
  WB_V128 = 0x7B,
  WB_FUNCREF = 0x70,
  WB_EXTERNREF = 0x6F,
} wb_valkind_t;

typedef struct wb_func wb_func_t;
typedef struct wb_table wb_table_t;
typedef struct wb_memory wb_memory_t;
typedef struct wb_global wb_global_t;

/* A tagged value. References are borrowed pointers; NULL is the null ref. */
typedef struct wb_val {
  wb_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    wb_func_t *funcref;
    void *externref;
  } of;
} wb_val_t;

/* Function type: parameter and result kinds. Immutable once made. */
typedef struct wb_functype wb_functype_t;

/* Makes a function type; the arrays are copied. The caller owns the result. */
wb_functype_t *wb_functype_new(const wb_valkind_t *params, size_t nparams,
                               const wb_valkind_t *results, size_t nresults);
/* Frees a type made by wb_functype_new. Borrowed types must not be freed. */
void wb_functype_delete(wb_functype_t *type);
size_t wb_functype_param_count(const wb_functype_t *type);
size_t wb_functype_result_count(const wb_functype_t *type);
wb_valkind_t wb_functype_param(const wb_functype_t *type, size_t i);
wb_valkind_t wb_functype_result(const wb_functype_t *type, size_t i);

/* Name of a value kind ("i32", "funcref", ...); static storage. */
const char *wb_valkind_name(wb_valkind_t kind);

/* {====================== Errors ======================} */

typedef struct wb_error wb_error_t;

typedef enum wb_error_kind {
  WB_ERROR_DECODE = 1, /* malformed binary */
  WB_ERROR_VALIDATE,   /* well-formed but invalid module */
  WB_ERROR_LINK,       /* imports could not be satisfied */
  WB_ERROR_INSTANTIATE,/* segment out of range at instantiation, ... */
  WB_ERROR_USAGE,      /* the API was called with wrong arguments */
  WB_ERROR_RESOURCE,   /* out of memory, address space, ... */
} wb_error_kind_t;

/* Message of an error; borrowed, valid until the error is deleted. */
const char *wb_error_message(const wb_error_t *error);
/* Byte offset in the module where a decode/validate error was found, or
   SIZE_MAX when the error has no position. */
size_t wb_error_offset(const wb_error_t *error);
wb_error_kind_t wb_error_kind(const wb_error_t *error);
/* Frees an error; NULL is allowed. */
void wb_error_delete(wb_error_t *error);

/* {====================== Traps ======================} */

typedef enum wb_trap_code {
  WB_TRAP_UNREACHABLE = 1,      /* "unreachable" */
  WB_TRAP_MEMORY_OUT_OF_BOUNDS, /* "out of bounds memory access" */
  WB_TRAP_TABLE_OUT_OF_BOUNDS,  /* "out of bounds table access" */
  WB_TRAP_UNDEFINED_ELEMENT,    /* call_indirect index past the table */
  WB_TRAP_UNINITIALIZED_ELEMENT,/* call_indirect through a null entry */
  WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
  WB_TRAP_NULL_REFERENCE,
  WB_TRAP_INTEGER_DIVIDE_BY_ZERO,
  WB_TRAP_INTEGER_OVERFLOW,
  WB_TRAP_INVALID_CONVERSION,   /* "invalid conversion to integer" */
  WB_TRAP_STACK_EXHAUSTED,      /* "call stack exhausted" */
  WB_TRAP_OUT_OF_FUEL,
  WB_TRAP_INTERRUPT,            /* deadline passed or host interrupt */
  WB_TRAP_HOST,                 /* raised by a host function */
  WB_TRAP_EXIT,                 /* the guest asked to exit (WASI proc_exit) */
} wb_trap_code_t;

typedef struct wb_trap wb_trap_t;

/* Makes a trap a host function can return. The message is copied; the
   caller owns the trap (and gives it away by returning it from a callback). */
wb_trap_t *wb_trap_new(wb_trap_code_t code, const char *message);
/* Makes the trap a host function returns to end the guest with an exit
   status (as WASI's proc_exit does); the caller owns it. */
wb_trap_t *wb_trap_new_exit(int32_t status);
/* True, with *status set, if trap is an exit made by wb_trap_new_exit. */
bool wb_trap_exit_status(const wb_trap_t *trap, int32_t *status);
wb_trap_code_t wb_trap_code(const wb_trap_t *trap);
/* Borrowed; valid until the trap is deleted. */
const char *wb_trap_message(const wb_trap_t *trap);
/* Short name of a code ("unreachable", "memory out of bounds", ...). */
const char *wb_trap_code_name(wb_trap_code_t code);
/* Wasm backtrace, innermost frame first. */
size_t wb_trap_frame_count(const wb_trap_t *trap);
uint32_t wb_trap_frame_func_index(const wb_trap_t *trap, size_t i);
/* Name from the name section, or NULL; borrowed. */
const char *wb_trap_frame_func_name(const wb_trap_t *trap, size_t i);
/* Frees a trap; NULL is allowed. */
void wb_trap_delete(wb_trap_t *trap);

/* {====================== Engine and configuration ======================} */

typedef struct wb_config wb_config_t;
typedef struct wb_engine wb_engine_t;

/* A configuration with defaults. The caller owns it until passed to
   wb_engine_new, which always takes it. */
wb_config_t *wb_config_new(void);
void wb_config_delete(wb_config_t *config);
/* Value stack per store, in bytes (default 64 MiB of address space; RAM is
   used only as deep as calls go). */
void wb_config_stack_size_set(wb_config_t *config, size_t bytes);
/* Maximum nesting of wasm calls (default 100000). */
void wb_config_max_call_depth_set(wb_config_t *config, uint32_t depth);

/* {====================== Execution tiers (AOT) ======================} */
/*
** WB_ENGINE_INTERP runs modules in the interpreter. WB_ENGINE_AOT
** translates each module to C at wb_module_new, compiles it with the
** system C compiler ($WASMBOX_CC, else clang-19, else gcc) into a shared
** object and runs that: native speed, same instances, limits and traps.
** Compiled objects are cached by content hash, in memory and on disk.
** WB_ENGINE_AUTO starts in the interpreter and compiles in the background
** (or loads from the cache at once); calls that start after the code is
** ready run it. Backtraces of traps in AOT code show only the function
** called from the host (plus any interpreted frames).
*/
typedef enum wb_engine_kind {
  WB_ENGINE_INTERP = 0,
  WB_ENGINE_AOT = 1,
  WB_ENGINE_AUTO = 2,
} wb_engine_kind_t;

void wb_config_engine_set(wb_config_t *config, wb_engine_kind_t kind);
/* Folder of the on-disk compile cache (copied). NULL or "" for the default:
   $WASMBOX_CACHE, else $XDG_CACHE_HOME/wasmbox or ~/.cache/wasmbox. */
void wb_config_cache_dir_set(wb_config_t *config, const char *dir);

/* Makes an engine. Takes ownership of config (NULL for defaults). */
wb_engine_t *wb_engine_new(wb_config_t *config);
/* Frees an engine; its modules and stores must be deleted first. */
void wb_engine_delete(wb_engine_t *engine);

/* {====================== Modules ======================} */

typedef struct wb_module wb_module_t;

/* Decodes, validates and lowers a module. The bytes are only read, never
   kept. On success returns NULL and stores a caller-owned module in *out;
   on failure returns a caller-owned error and leaves *out NULL. */
wb_error_t *wb_module_new(wb_engine_t *engine, const uint8_t *bytes,
                          size_t len, wb_module_t **out);
/* Checks a module without keeping it; NULL when valid, else an owned error. */
wb_error_t *wb_module_validate(wb_engine_t *engine, const uint8_t *bytes,
                               size_t len);
/* Frees a module; instances made from it must be gone (their store deleted). */
void wb_module_delete(wb_module_t *module);
/* Compiles the module ahead of time now (or loads it from the cache), so
   that its instances run native code whatever the engine's tier. NULL or
   an owned error (no C compiler, compile failure). */
wb_error_t *wb_module_compile_aot(wb_module_t *module);
/* Writes the module's compiled shared object to path (compiling it first
   if needed). NULL or an owned error. */
wb_error_t *wb_module_aot_write(wb_module_t *module, const char *path);

typedef enum wb_externkind {
  WB_EXTERN_FUNC = 0,
  WB_EXTERN_TABLE = 1,
  WB_EXTERN_MEMORY = 2,
  WB_EXTERN_GLOBAL = 3,
} wb_externkind_t;

/* Describes one import or export of a module. All pointers are borrowed
   from the module. Names are not NUL-terminated in general; use the lengths. */
typedef struct wb_externdesc {
  wb_externkind_t kind;
  const char *module; /* imports only */
  size_t module_len;
  const char *name;
  size_t name_len;
  const wb_functype_t *functype; /* WB_EXTERN_FUNC */
  wb_valkind_t valkind;          /* global value or table element kind */
  bool mutable_;                 /* globals */
  uint32_t min, max;             /* tables and memories (pages) */
  bool has_max;
} wb_externdesc_t;

size_t wb_module_import_count(const wb_module_t *module);
void wb_module_import_get(const wb_module_t *module, size_t i,
                          wb_externdesc_t *out);
size_t wb_module_export_count(const wb_module_t *module);
void wb_module_export_get(const wb_module_t *module, size_t i,
                          wb_externdesc_t *out);

/* {====================== Stores and host objects ======================} */

typedef struct wb_store wb_store_t;

/* Makes a store on an engine; the caller owns it. */
wb_store_t *wb_store_new(wb_engine_t *engine);
/* Frees a store and every instance and object it owns. */
void wb_store_delete(wb_store_t *store);

/* {====================== Limits ======================} */
/*
** Every limit is per store and applies to what runs in it from then on.
** Exceeding one never harms the host: memory.grow returns -1, making an
** instance fails with an error, running code traps.
*/

typedef struct wb_limits {
  uint64_t max_memory_bytes;   /* per linear memory; 0 for no limit (4 GiB) */
  uint32_t max_table_elements; /* per table; 0 for the engine default (10^7) */
} wb_limits_t;

/* Sets the memory and table limits for instances and objects made later in
   store, and for the growth of every memory and table in it. */
void wb_store_limits_set(wb_store_t *store, const wb_limits_t *limits);

/* Each later top-level call into the store (wb_func_call, and the start
   function run by instantiation) traps with WB_TRAP_INTERRUPT once it has
   run timeout_ns nanoseconds of wall time. 0 removes the deadline. Checks
   happen at function entry and loop back-edges. */
void wb_store_deadline_set(wb_store_t *store, uint64_t timeout_ns);

/* Asks guest code running in store to stop: it traps with WB_TRAP_INTERRUPT
   at its next check. If none is running, the next call traps as soon as it
   starts. Safe to call from any thread, and from a signal handler. */
void wb_store_interrupt(wb_store_t *store);

/* Fuel: a deterministic budget of work. Off until first set; while on,
   every loop iteration and call consumes fuel (roughly one unit per wasm
   instruction) and running out traps with WB_TRAP_OUT_OF_FUEL. */
void wb_store_fuel_set(wb_store_t *store, uint64_t fuel);
/* Adds to the remaining fuel (turning fuel on if it was off). */
void wb_store_fuel_add(wb_store_t *store, uint64_t fuel);
/* Remaining fuel; UINT64_MAX while fuel is off. */
uint64_t wb_store_fuel_get(const wb_store_t *store);
/* Turns fuel off again. */
void wb_store_fuel_disable(wb_store_t *store);

typedef struct wb_caller wb_caller_t;

/* A host function. Reads args, writes results (kinds preset to the type's).
   Returns NULL on success, or an owned trap, which the guest then raises. */
typedef wb_trap_t *(*wb_func_callback_t)(void *env, wb_caller_t *caller,
                                         const wb_val_t *args, size_t nargs,
                                         wb_val_t *results, size_t nresults);

/* Memory 0 of the instance that made the call, or NULL; borrowed. */
wb_memory_t *wb_caller_memory(wb_caller_t *caller);
/* The store the call runs in; borrowed. */
wb_store_t *wb_caller_store(wb_caller_t *caller);

/* Makes a host function in store. The type is copied; env is passed to cb
   and, if finalizer is not NULL, handed to it when the store is deleted. */
wb_func_t *wb_func_new(wb_store_t *store, const wb_functype_t *type,
                       wb_func_callback_t cb, void *env,
                       void (*finalizer)(void *env));
/* The function's type; borrowed from the store. */
const wb_functype_t *wb_func_type(const wb_func_t *func);

/* Calls func. Three outcomes, as in wasmtime:
   - returns an owned error (wrong argument count or kinds): nothing ran;
   - returns NULL and sets *trap to an owned trap: the call trapped;
   - returns NULL and sets *trap to NULL: results[0..nresults) are written. */
wb_error_t *wb_func_call(wb_store_t *store, wb_func_t *func,
                         const wb_val_t *args, size_t nargs, wb_val_t *results,
                         size_t nresults, wb_trap_t **trap);

/* Makes a global; owned by the store. init must match kind. */
wb_global_t *wb_global_new(wb_store_t *store, wb_valkind_t kind, bool mutable_,
                           wb_val_t init);
wb_val_t wb_global_get(const wb_global_t *global);
/* Sets a mutable global; false (and no change) if immutable or wrong kind. */
bool wb_global_set(wb_global_t *global, wb_val_t val);
wb_valkind_t wb_global_kind(const wb_global_t *global);
bool wb_global_mutable(const wb_global_t *global);

/* Makes a table of funcref or externref, every element set to init. */
wb_table_t *wb_table_new(wb_store_t *store, wb_valkind_t kind, uint32_t min,
                         uint32_t max, bool has_max, wb_val_t init);
uint32_t wb_table_size(const wb_table_t *table);
bool wb_table_get(const wb_table_t *table, uint32_t i, wb_val_t *out);
bool wb_table_set(wb_table_t *table, uint32_t i, wb_val_t val);
wb_valkind_t wb_table_kind(const wb_table_t *table);
/* Limits of a table or memory as they stand now (min is the current size). */
void wb_table_limits(const wb_table_t *table, uint32_t *min, uint32_t *max,
                     bool *has_max);

/* Makes a linear memory of min pages (64 KiB each) behind guard pages. */
wb_memory_t *wb_memory_new(wb_store_t *store, uint32_t min, uint32_t max,
                           bool has_max);
/* Base of the memory's bytes; borrowed, stable for the memory's life. */
uint8_t *wb_memory_data(wb_memory_t *memory);
size_t wb_memory_data_size(const wb_memory_t *memory);
uint32_t wb_memory_pages(const wb_memory_t *memory);
/* Grows by delta pages; true and *old_pages on success, false if refused. */
bool wb_memory_grow(wb_memory_t *memory, uint32_t delta, uint32_t *old_pages);
void wb_memory_limits(const wb_memory_t *memory, uint32_t *min, uint32_t *max,
                      bool *has_max);

/* {====================== Linking and instances ======================} */

typedef struct wb_extern {
  wb_externkind_t kind;
  union {
    wb_func_t *func;
    wb_table_t *table;
    wb_memory_t *memory;
    wb_global_t *global;
  } of;
} wb_extern_t;

typedef struct wb_linker wb_linker_t;
typedef struct wb_instance wb_instance_t;

/* Makes an empty linker for store; the caller owns it. */
wb_linker_t *wb_linker_new(wb_store_t *store);
void wb_linker_delete(wb_linker_t *linker);
/* Defines module.name as item (borrowed from the store). Redefinition
   replaces. Names are copied. Returns NULL or an owned error. */
wb_error_t *wb_linker_define(wb_linker_t *linker, const char *module,
                             const char *name, wb_extern_t item);
/* Makes a host function and defines it; as wb_func_new + wb_linker_define. */
wb_error_t *wb_linker_define_func(wb_linker_t *linker, const char *module,
                                  const char *name, const wb_functype_t *type,
                                  wb_func_callback_t cb, void *env,
                                  void (*finalizer)(void *env));
/* Defines every export of instance under module name. */
wb_error_t *wb_linker_define_instance(wb_linker_t *linker, const char *module,
                                      wb_instance_t *instance);

/* Instantiates module with the linker's definitions, initialises segments
   and runs the start function. Three outcomes:
   - an owned error: link errors (every missing or mismatched import is
     listed, one per line) or resources exhausted; nothing is left behind;
   - NULL and *trap set: an active segment was out of range or the start
     function trapped (*out is NULL). As WebAssembly 2.0 specifies, writes
     made to shared tables and memories before the trap remain;
   - NULL and *trap NULL: *out is the instance, owned by the store. */
wb_error_t *wb_linker_instantiate(wb_linker_t *linker, const wb_module_t *module,
                                  wb_instance_t **out, wb_trap_t **trap);

/* Looks up an export by name; false if there is none. */
bool wb_instance_export_get(const wb_instance_t *instance, const char *name,
                            size_t name_len, wb_extern_t *out);
/* Memory 0 of the instance, or NULL; borrowed. */
wb_memory_t *wb_instance_memory(const wb_instance_t *instance);
/* True once a trap has unwound through one of the instance's functions.
   The engine's own state is consistent after any trap, so calls still
   work, but the guest program may have been stopped midway through an
   update of its memory (a deadline or fuel can strike anywhere): such an
   instance should be discarded or reset, not handed to a new caller. */
bool wb_instance_poisoned(const wb_instance_t *instance);

/* {====================== Templates, pools and snapshots ======================} */
/*
** A template is a module instantiated, initialised once and frozen: its
** memory image (kept in a memfd, only non-zero pages written), globals,
** tables and segment state. An instance made from a template maps that
** image copy-on-write, so making one never copies the heap. A pool keeps
** instances of one template and, on release, resets each to the template
** in time proportional to what the call changed, not to the memory size.
*/

typedef struct wb_template wb_template_t;

/* Instantiates module with linker's definitions (functions only: a
   template cannot share memories, tables or globals with anything), runs
   its initialisation and freezes the result. init_export names the init
   function; NULL picks "wizer.initialize" if exported, else "_initialize"
   if exported, else none. Return states as wb_linker_instantiate: an owned
   error; NULL with *trap set (start or init trapped); or NULL and *out the
   template, owned by the caller. module and the linker's store must
   outlive the template. */
wb_error_t *wb_template_new(wb_linker_t *linker, const wb_module_t *module,
                            const char *init_export, wb_template_t **out,
                            wb_trap_t **trap);
/* A step that prepares a fresh instance before it is frozen (see
   wb_template_derive). It may call the instance's exports and set limits
   on store (both borrowed). Returns NULL, an owned error, or NULL with an
   owned *trap. */
typedef wb_error_t *(*wb_template_setup_t)(void *env, wb_store_t *store,
                                           wb_instance_t *instance,
                                           wb_trap_t **trap);

/* Makes a template from another: instantiates base in a private store,
   runs setup (NULL for none) and freezes the result, so instances of the
   new template start where setup left off, e.g. a language runtime with
   one program loaded. Memory is an image of its own; base may be deleted
   only after the new template. Return states as wb_template_new; a setup
   that leaves the instance poisoned is an error. */
wb_error_t *wb_template_derive(wb_template_t *base, wb_template_setup_t setup,
                               void *env, wb_template_t **out,
                               wb_trap_t **trap);
/* Frees a template; pools and instances made from it must be gone. */
void wb_template_delete(wb_template_t *tmpl);
/* Bytes of memory 0 in the image (0 without memory). */
size_t wb_template_memory_size(const wb_template_t *tmpl);

/* Makes an instance of the template in store (an engine's store like any
   other; the instance is owned by it). Its memory is a private
   copy-on-write mapping of the image. Returns NULL or an owned error. */
wb_error_t *wb_template_instantiate(wb_template_t *tmpl, wb_store_t *store,
                                    wb_instance_t **out);

/* Writes the template as a standalone pre-initialised module in Wizer's
   format: data segments hold the initialised memory, globals start at
   their initialised values, memory starts at its initialised size, the
   init export and the start function are gone. Any engine runs the result
   with the same behaviour. *out is malloc'ed and owned by the caller (free
   it with free()). Returns NULL or an owned error (e.g. a table holding
   host references, which a module cannot express). */
wb_error_t *wb_template_snapshot(const wb_template_t *tmpl, uint8_t **out,
                                 size_t *len);

typedef struct wb_pool wb_pool_t;
/* An instance on loan from a pool, with the store it runs in. */
typedef struct wb_pooled wb_pooled_t;

typedef struct wb_pool_config {
  uint32_t max_instances; /* idle + active; 0 for no bound */
  wb_limits_t limits;     /* applied to every instance */
  uint64_t deadline_ns;   /* per call; 0 for none */
  uint64_t fuel;          /* per acquisition; 0 for fuel off */
} wb_pool_config_t;

/* Makes a pool of instances of tmpl (borrowed; it must outlive the pool).
   cfg is copied; NULL for defaults (unbounded, no limits). */
wb_pool_t *wb_pool_new(wb_template_t *tmpl, const wb_pool_config_t *cfg);
/* Frees the pool and its idle instances; every instance must be released. */
void wb_pool_delete(wb_pool_t *pool);

/* Lends an instance: the most recently released idle one (LIFO), or a new
   one while under max_instances. When the pool is at its bound, waits up
   to timeout_ns for a release (0: fail at once; UINT64_MAX: forever).
   Returns NULL and sets *out, or an owned error (pool exhausted, or the
   instance could not be made). Thread-safe. */
wb_error_t *wb_pool_acquire(wb_pool_t *pool, uint64_t timeout_ns,
                            wb_pooled_t **out);
/* The lent instance and its store; borrowed until release. */
wb_instance_t *wb_pooled_instance(wb_pooled_t *pooled);
wb_store_t *wb_pooled_store(wb_pooled_t *pooled);
/* Gives an instance back. It is reset to the template (memory reverted and
   shrunk, globals, tables and segments restored, limits and fuel re-armed),
   trapped or not, or discarded if the reset fails. Thread-safe. */
void wb_pool_release(wb_pool_t *pool, wb_pooled_t *pooled);

typedef struct wb_pool_stats {
  uint32_t idle, active;
  uint64_t created, reset, discarded;
} wb_pool_stats_t;
void wb_pool_stats(wb_pool_t *pool, wb_pool_stats_t *out);

#ifdef __cplusplus
}
#endif
#endif
