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
**   - stdin, stdout and stderr wired to the host's descriptors 0, 1 and 2.
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
   guest runs. A negative value leaves that guest descriptor closed. */
void wb_wasi_config_set_stdio(wb_wasi_config_t *cfg, int in_fd, int out_fd, int err_fd);

/* Makes the WASI state for guests of store. Always takes cfg. Returns NULL
   and an owned *out, or an owned error (*out NULL). */
wb_error_t *wb_wasi_new(wb_store_t *store, wb_wasi_config_t *cfg, wb_wasi_t **out);

/* Defines every wasi_snapshot_preview1 function in linker (whose store
   must be the one given to wb_wasi_new). Returns NULL or an owned error.
   The functions refer to wasi, which must outlive every call into guest
   code of the store. */
wb_error_t *wb_wasi_link(wb_wasi_t *wasi, wb_linker_t *linker);

/* Frees the WASI state and closes the host descriptors it owns (preopens
   and files the guest opened; never the borrowed stdio). NULL is allowed.
   Call it once the guest will not run again (before or after deleting the
   store). */
void wb_wasi_delete(wb_wasi_t *wasi);

/* Whether module imports anything from WB_WASI_MODULE (an embedder links
   WASI only for modules that want it). Reads the module only. */
bool wb_wasi_imported_by(const wb_module_t *module);

#ifdef __cplusplus
}
#endif
#endif
