/* SPDX-License-Identifier: Apache-2.0 */
/*
** `wasmbox snapshot IN.wasm [--init NAME] -o OUT.wasm`
**
** Instantiates IN as a template (wb_template_new), which runs its start
** function and its init export, and writes the initialised state as a
** standalone module (wb_template_snapshot). Modules importing WASI get it
** with no capability but stdio, so init may print but not touch files,
** clocks or randomness: what it computes must not depend on the host.
** Built on the public API only.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_snapshot.h"
#include "wasmbox.h"
#include "wasmbox_wasi.h"

#define SNAP_EXIT_ERROR 1
#define SNAP_EXIT_TRAP 134
#define SNAP_MAX_FRAMES 50

static const char snap_usage[] = "usage: wasmbox snapshot IN.wasm [--init NAME] -o OUT.wasm\n";

typedef struct snap_opts {
  const char *in, *out, *init;
} snap_opts_t;

/* Prints a trap of init as `wasmbox run` does; returns the exit status. */
static int snap_trap(const wb_trap_t *trap) {
  int32_t status;
  if (wb_trap_exit_status(trap, &status)) {
    fprintf(stderr, "wasmbox: snapshot: init exited (status %d) instead of returning\n",
            (int)status);
    return SNAP_EXIT_ERROR;
  }
  fprintf(stderr, "trap: %s: %s\n", wb_trap_code_name(wb_trap_code(trap)),
          wb_trap_message(trap));
  size_t n = wb_trap_frame_count(trap);
  for (size_t i = 0; i < n && i < SNAP_MAX_FRAMES; i++) {
    const char *name = wb_trap_frame_func_name(trap, i);
    fprintf(stderr, "  #%zu func[%u] %s\n", i, (unsigned)wb_trap_frame_func_index(trap, i),
            name ? name : "?");
  }
  if (n > SNAP_MAX_FRAMES) fprintf(stderr, "  ... %zu more frames\n", n - SNAP_MAX_FRAMES);
  return SNAP_EXIT_TRAP;
}

/* Parses the arguments after argv[0]; -1 to go on, else an exit status. */
static int snap_parse(int argc, char **argv, snap_opts_t *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(snap_usage, stdout);
      return 0;
    }
    const char **slot = strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ? &o->out
                        : strcmp(a, "--init") == 0                         ? &o->init
                                                                           : NULL;
    if (slot) {
      if (i + 1 >= argc) {
        fprintf(stderr, "wasmbox: snapshot: %s needs a value\n%s", a, snap_usage);
        return SNAP_EXIT_ERROR;
      }
      *slot = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "wasmbox: snapshot: unknown option '%s'\n%s", a, snap_usage);
      return SNAP_EXIT_ERROR;
    } else if (o->in) {
      fprintf(stderr, "wasmbox: snapshot: unexpected argument '%s'\n%s", a, snap_usage);
      return SNAP_EXIT_ERROR;
    } else {
      o->in = a;
    }
  }
  if (!o->in || !o->out) {
    fprintf(stderr, "wasmbox: snapshot: missing %s\n%s", o->in ? "-o OUT.wasm" : "IN.wasm",
            snap_usage);
    return SNAP_EXIT_ERROR;
  }
  return -1;
}

/* Writes bytes to path; false (and nothing left behind) on failure. */
static bool snap_write(const char *path, const uint8_t *bytes, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(bytes, 1, len, f) == len;
  int e = errno;
  ok = fclose(f) == 0 && ok;
  if (!ok) {
    remove(path);
    errno = e ? e : EIO;
  }
  return ok;
}

/* Makes the template and writes its snapshot; returns the exit status. */
static int snap_module(const snap_opts_t *o, wb_engine_t *engine, const wb_module_t *module) {
  wb_store_t *store = wb_store_new(engine);
  wb_linker_t *linker = wb_linker_new(store);
  wb_wasi_t *wasi = NULL;
  wb_error_t *err = NULL;
  if (wb_wasi_imported_by(module)) {
    wb_wasi_config_t *cfg = wb_wasi_config_new();
    const char *args[1] = {o->in};
    wb_wasi_config_set_args(cfg, 1, args);
    err = wb_wasi_new(store, cfg, &wasi);
    if (!err) err = wb_wasi_link(wasi, linker);
  }
  wb_template_t *tmpl = NULL;
  wb_trap_t *trap = NULL;
  if (!err) err = wb_template_new(linker, module, o->init, &tmpl, &trap);
  int rc = 0;
  uint8_t *out = NULL;
  size_t len = 0;
  if (!err && !trap) err = wb_template_snapshot(tmpl, &out, &len);
  if (err) {
    cli_report_error("snapshot", o->in, err);
    rc = SNAP_EXIT_ERROR;
  } else if (trap) {
    rc = snap_trap(trap);
  } else if (!snap_write(o->out, out, len)) {
    fprintf(stderr, "wasmbox: snapshot: %s: %s\n", o->out, strerror(errno));
    rc = SNAP_EXIT_ERROR;
  }
  free(out);
  wb_error_delete(err);
  wb_trap_delete(trap);
  wb_template_delete(tmpl);
  wb_linker_delete(linker);
  wb_store_delete(store);
  wb_wasi_delete(wasi);
  return rc;
}

int cli_snapshot(int argc, char **argv) {
  snap_opts_t o = {0};
  int rc = snap_parse(argc, argv, &o);
  if (rc >= 0) return rc;
  size_t len = 0;
  uint8_t *bytes = cli_read_file(o.in, &len);
  if (!bytes) {
    fprintf(stderr, "wasmbox: snapshot: %s: %s\n", o.in, strerror(errno));
    return SNAP_EXIT_ERROR;
  }
  wb_engine_t *engine = wb_engine_new(NULL);
  wb_module_t *module = NULL;
  wb_error_t *err = wb_module_new(engine, bytes, len, &module);
  if (err) {
    cli_report_error("snapshot", o.in, err);
    wb_error_delete(err);
    rc = SNAP_EXIT_ERROR;
  } else {
    rc = snap_module(&o, engine, module);
    wb_module_delete(module);
  }
  wb_engine_delete(engine);
  free(bytes);
  return rc;
}
