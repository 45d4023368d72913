/* SPDX-License-Identifier: Apache-2.0 */
/*
** Unit-test helpers for modules written in the text format: assembled
** with wat2wasm at run time, then made and instantiated with checks.
** Include after test.h.
*/
#ifndef WB_TEST_WAT_H
#define WB_TEST_WAT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wasmbox.h"

/* Assembles wat with wat2wasm into a fresh buffer (*len bytes); NULL on
   failure, with the tool's output on stderr. */
static inline uint8_t *assemble(const char *wat, size_t *len) {
  char dir[] = "/tmp/wb_test_wat_XXXXXX";
  if (!mkdtemp(dir)) return NULL;
  char in[256], out[256], cmd[700];
  snprintf(in, sizeof in, "%s/m.wat", dir);
  snprintf(out, sizeof out, "%s/m.wasm", dir);
  uint8_t *buf = NULL;
  FILE *f = fopen(in, "w");
  if (f) {
    fputs(wat, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "wat2wasm '%s' -o '%s' 1>&2", in, out);
    if (system(cmd) == 0 && (f = fopen(out, "rb"))) {
      fseek(f, 0, SEEK_END);
      long n = ftell(f);
      fseek(f, 0, SEEK_SET);
      buf = malloc(n > 0 ? (size_t)n : 1);
      *len = fread(buf, 1, n > 0 ? (size_t)n : 0, f);
      fclose(f);
    }
  }
  unlink(in);
  unlink(out);
  rmdir(dir);
  return buf;
}

/* Assembles and creates a module; NULL (and a failed check) on any error. */
static inline wb_module_t *compile(wb_engine_t *engine, const char *wat) {
  size_t len = 0;
  uint8_t *bytes = assemble(wat, &len);
  CHECK(bytes != NULL);
  if (!bytes) return NULL;
  wb_module_t *m = NULL;
  wb_error_t *err = wb_module_new(engine, bytes, len, &m);
  free(bytes);
  if (err) fprintf(stderr, "wb_module_new: %s\n", wb_error_message(err));
  CHECK(err == NULL);
  wb_error_delete(err);
  return m;
}

/* Instantiates expecting success; NULL (and a failed check) otherwise. */
static inline wb_instance_t *instantiate_ok(wb_linker_t *l, wb_module_t *m) {
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  if (!m) return NULL;
  wb_error_t *err = wb_linker_instantiate(l, m, &inst, &trap);
  if (err) fprintf(stderr, "instantiate: %s\n", wb_error_message(err));
  if (trap) fprintf(stderr, "instantiate trapped: %s\n", wb_trap_message(trap));
  CHECK(err == NULL && trap == NULL && inst != NULL);
  wb_error_delete(err);
  wb_trap_delete(trap);
  return inst;
}

#endif
