/* SPDX-License-Identifier: Apache-2.0 */
/*
** wasmbox WASI: the `wasi_snapshot_preview1` interface as an ordinary import
** provider built on the public API (include/wasmbox.h).
**
** Capabilities are denied by default. A fresh configuration grants:
**   - no directories (every path operation fails: there is no preopen);
**   - no environment variables;
**   - no clocks (clock_time_get, clock_res_get and poll_oneoff clock
**     subscriptions fail with ENOTCAPABLE, 76);
**   - no randomness (random_get fails with ENOTCAPABLE);
**   - stdin, stdout and stderr wired to the host's descriptors 0, 1 and 2
**     (or, configured so, to bytes and callbacks in memory).
** The embedder adds what the guest may use with the setters below.
**
** A guest path never reaches outside a granted directory: paths are
** resolved component by component from the preopened directory's
** descriptor, symlinks are followed by hand inside the sandbox only, and
** absolute paths or `..` leaving the root fail with ENOTCAPABLE. A
** read-only directory lacks every right that writes, creates, deletes,
** renames or changes metadata, so such operations fail with ENOTCAPABLE.
**
** Errors returned to the guest use WASI's errno numbering (not the host's).
** Usage:
**
**   wb_wasi_config_t *cfg = wb_wasi_config_new();
**   wb_wasi_config_set_args(cfg, argc, argv);
**   wb_wasi_config_preopen_dir(cfg, "/srv/data", "/data", true);   // check!
**   wb_wasi_t *wasi;
**   wb_wasi_new(store, cfg, &wasi);            // takes cfg
**   wb_wasi_link(wasi, linker);                // defines the imports
**   ... instantiate, call _start; an exit trap carries proc_exit's status
**   ... (wb_trap_exit_status) ...
**   wb_store_delete(store);
**   wb_wasi_delete(wasi);                      // closes the host descriptors
*/
#ifndef WASMBOX_WASI_H
#define WASMBOX_WASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmbox.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The import module name every function is defined under. */
#define WB_WASI_MODULE "wasi_snapshot_preview1"

typedef struct wb_wasi_config wb_wasi_config_t;
typedef struct wb_wasi wb_wasi_t;

/* A configuration granting nothing but stdio; the caller owns it until it
   is passed to wb_wasi_new (which always takes it) or deleted. */
wb_wasi_config_t *wb_wasi_config_new(void);
/* Frees a configuration not passed to wb_wasi_new (closing the directories
   it opened); NULL is allowed. */
void wb_wasi_config_delete(wb_wasi_config_t *cfg);

/* Sets the guest's argv (argv[0] is the program name). Strings are copied;
   a later call replaces the earlier one. */
void wb_wasi_config_set_args(wb_wasi_config_t *cfg, size_t argc, const char *const *argv);
/* Adds NAME=VALUE to the guest environment (copied); setting a name again
   replaces its value. Explicit variables win over inherited ones. */
void wb_wasi_config_set_env(wb_wasi_config_t *cfg, const char *name, const char *value);
/* Passes the host's whole environment (read when wb_wasi_new runs). */
void wb_wasi_config_inherit_env(wb_wasi_config_t *cfg);

/* Grants the host directory host_path to the guest as guest_path (NULL:
   the same text as host_path). The directory is opened now, so a missing
   or unreadable directory is reported here: returns NULL on success or an
   owned error (WB_ERROR_USAGE). Read-only grants lack every writing right.
   Preopens get guest descriptors 3, 4, ... in the order they are added. */
wb_error_t *wb_wasi_config_preopen_dir(wb_wasi_config_t *cfg, const char *host_path,
                                       const char *guest_path, bool read_only);

/* Grants or withdraws the clocks (realtime, monotonic, process and thread
   CPU time; also clock subscriptions of poll_oneoff, so sleeping). */
void wb_wasi_config_allow_clocks(wb_wasi_config_t *cfg, bool allow);
/* Grants or withdraws random_get (the host's getrandom). */
void wb_wasi_config_allow_random(wb_wasi_config_t *cfg, bool allow);

/* Host descriptors behind guest descriptors 0, 1 and 2 (defaults 0, 1, 2).
   They are borrowed: never closed by wasmbox, and must stay open while the
   guest runs. A negative value leaves that guest descriptor closed.
   Replaces whatever the stdio setters below put on all three. */
void wb_wasi_config_set_stdio(wb_wasi_config_t *cfg, int in_fd, int out_fd, int err_fd);

/* {====================== stdio in memory ======================} */
/*
** Guest stdio need not be host descriptors: stdin can read from bytes and
** stdout and stderr can hand what the guest writes to a callback. Such
** descriptors behave as pipes: filetype unknown (not a terminal, so libc
** buffers fully), no position (fd_seek and fd_tell fail with ESPIPE),
** fd_filestat_get gives zeros but the type, poll_oneoff finds them ready
** at once; nothing reaches the host's descriptors and no system call is
** made for them. Each setter replaces what was configured for its
** descriptor (by wb_wasi_config_set_stdio too).
*/

/* Guest stdin reads len bytes of data, then reports end of file. data is
   borrowed, not copied: it must stay valid and unchanged until the state
   made from cfg is deleted (a request body that outlives its call, say).
   data may be NULL when len is 0. */
void wb_wasi_config_stdin_bytes(wb_wasi_config_t *cfg, const uint8_t *data, size_t len);

/* Receives what the guest writes to stdout or stderr, in order: called
   once per non-empty buffer of each fd_write, with len > 0 bytes at data
   (borrowed for the call), on the thread running the guest. Returns NULL
   when it took all len bytes, or an owned trap, which ends the guest
   (wb_func_call reports it): the guest never sees a short or failed
   write, so an output bound holds even against a guest that ignores
   errors and keeps writing. */
typedef wb_trap_t *(*wb_wasi_write_fn)(void *env, const uint8_t *data, size_t len);

/* Sends guest stdout (stderr) to fn with env (borrowed: it must outlive
   the state). fn NULL discards the output: writes succeed, nothing is
   kept. */
void wb_wasi_config_stdout_fn(wb_wasi_config_t *cfg, wb_wasi_write_fn fn, void *env);
void wb_wasi_config_stderr_fn(wb_wasi_config_t *cfg, wb_wasi_write_fn fn, void *env);

/* Bounds waiting: poll_oneoff (so sleeping, with the clocks granted)
   blocks only until ns nanoseconds after wb_wasi_new. A wait that would
   go on past that point waits until it (an event may still end it
   earlier) and then ends the guest with a WB_TRAP_INTERRUPT trap. A
   host function that blocks is not interrupted by a store deadline, so an
   embedder with deadlines sets this to the same duration. Default: no
   bound. */
void wb_wasi_config_wait_limit(wb_wasi_config_t *cfg, uint64_t ns);

/* Makes a WASI state from cfg. Always takes cfg. Returns NULL and an
   owned *out, or an owned error (*out NULL). store names the store whose
   guests use the state through wb_wasi_link; it may be NULL for a state
   used through wb_wasi_enter, which serves guests of any store. With
   stdio in memory and no preopens or inherited environment, this makes
   no system call: cheap enough to make one state per request. */
wb_error_t *wb_wasi_new(wb_store_t *store, wb_wasi_config_t *cfg, wb_wasi_t **out);

/* Defines every wasi_snapshot_preview1 function in linker, bound to wasi.
   Returns NULL or an owned error. The functions refer to wasi, which must
   outlive every call into guest code that can reach them. The state is
   not locked: guests on several threads at once may use it only if they
   do not change it (open, close or renumber descriptors, read stdin
   bytes); wb_wasi_link_current gives each call a state of its own. */
wb_error_t *wb_wasi_link(wb_wasi_t *wasi, wb_linker_t *linker);

/* {====================== One set of imports, many states ======================} */
/*
** wb_wasi_link binds the imports to one state, and a template shares its
** host functions with every instance made from it, so every instance of a
** pool would share one environment, one stdin and one stdout. For that
** case the imports are defined once with wb_wasi_link_current and each
** call picks its state on its own thread:
**
**   wb_wasi_link_current(linker);                 // once, before wb_template_new
**   ...per request, on any thread:
**   wb_wasi_config_t *cfg = wb_wasi_config_new();
**   wb_wasi_config_set_env(cfg, "REQUEST_METHOD", "GET");
**   wb_wasi_config_stdin_bytes(cfg, body, body_len);
**   wb_wasi_config_stdout_fn(cfg, collect, &response);
**   wb_wasi_new(NULL, cfg, &wasi);
**   wb_wasi_t *prev = wb_wasi_enter(wasi);
**   wb_func_call(...);                            // the guest sees wasi only
**   wb_wasi_enter(prev);
**   wb_wasi_delete(wasi);
*/

/* Defines every wasi_snapshot_preview1 function in linker so that each
   call uses the state current on the calling thread (wb_wasi_enter). A
   guest calling with no state current sees one that grants nothing: no
   arguments, environment, descriptors, clocks or randomness (proc_exit
   still exits). Returns NULL or an owned error. */
wb_error_t *wb_wasi_link_current(wb_linker_t *linker);

/* Makes wasi (borrowed; NULL for none) the current state of the calling
   thread and returns the previous one, which the caller restores when its
   guest call returns, so calls can nest. A state must be current on one
   thread at a time, and stay alive while it is current. */
wb_wasi_t *wb_wasi_enter(wb_wasi_t *wasi);

/* Frees the WASI state and closes the host descriptors it owns (preopens
   and files the guest opened; never the borrowed stdio). NULL is allowed.
   Call it once the guest will not run again (before or after deleting the
   store), and never while it is current on a thread. */
void wb_wasi_delete(wb_wasi_t *wasi);

/* Whether module imports anything from WB_WASI_MODULE (an embedder links
   WASI only for modules that want it). Reads the module only. */
bool wb_wasi_imported_by(const wb_module_t *module);

#ifdef __cplusplus
}
#endif
#endif
