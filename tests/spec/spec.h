/* SPDX-License-Identifier: Apache-2.0 */
/*
** Shared declarations of the spec test runner (tests/spec).
**
** The runner turns each .wast file into JSON with wabt's wast2json and
** executes the commands against wasmbox through the public API only:
**
**   runner.c    command line, file list, one child process per file, totals
**   commands.c  executes the commands of one converted file
**   values.c    JSON values <-> wb_val_t, expectations, printing
**   spectest.c  the "spectest" host module the suite imports from
**   skiplist.c  tests/spec/skiplist.txt: files and commands not run
**
** Non-static names carry the `spec_` prefix.
*/
#ifndef WB_SPEC_H
#define WB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "wasmbox.h"

/* Largest .wasm (or .json) file the runner reads; bigger ones fail cleanly. */
#define SPEC_MAX_FILE_BYTES ((size_t)256 << 20)

/* {====================== Counters and options ======================} */

/* Outcome counters of one file. They live in memory shared with the parent
   process, so that a crash still leaves the counts made so far behind. */
typedef struct spec_counts {
  long passed, failed, skipped;
  long line; /* line of the command being run, for crash reports */
} spec_counts_t;

typedef struct spec_skiplist spec_skiplist_t;

typedef struct spec_opts {
  bool verbose;
  const char *work;              /* directory for wast2json output */
  const spec_skiplist_t *skips;  /* never NULL (may be empty) */
  wb_engine_kind_t engine;       /* --engine interp|aot|auto */
  const char *cache;             /* --cache DIR: the AOT compile cache */
} spec_opts_t;

/* {====================== Skip list ======================} */

/* Loads a skip list; NULL path gives an empty list. On a bad file prints
   the reason to stderr and returns NULL. */
spec_skiplist_t *spec_skiplist_load(const char *path);
void spec_skiplist_free(spec_skiplist_t *list);
/* Reason the whole file (basename, "i32.wast") is skipped, or NULL. */
const char *spec_skip_file(const spec_skiplist_t *list, const char *wast);
/* Reason the command at `line` of `wast` is skipped, or NULL. */
const char *spec_skip_line(const spec_skiplist_t *list, const char *wast,
                           long line);

/* {====================== Values ======================} */

/* How a result is checked against an expectation. */
typedef enum spec_match {
  SPEC_MATCH_EXACT,    /* same kind and bit pattern (refs: same pointer) */
  SPEC_MATCH_NAN_CANON,/* canonical NaN of either sign */
  SPEC_MATCH_NAN_ARITH,/* any NaN with the quiet bit set */
  SPEC_MATCH_NONNULL,  /* a non-null reference of the kind */
} spec_match_t;

typedef struct spec_expect {
  wb_val_t val;
  spec_match_t match;
} spec_expect_t;

/* Parses a JSON argument {"type":..., "value":...}. On failure returns
   false and writes the reason to why. */
bool spec_parse_arg(const cJSON *json, wb_val_t *out, char *why, size_t n);
/* Parses a JSON expected result, including nan:canonical/nan:arithmetic and
   reference expectations. On failure returns false with a reason. */
bool spec_parse_expect(const cJSON *json, spec_expect_t *out, char *why,
                       size_t n);
/* True when v satisfies e. */
bool spec_expect_match(const spec_expect_t *e, const wb_val_t *v);
/* Human-readable forms, always NUL-terminated. */
void spec_format_val(const wb_val_t *v, char *buf, size_t n);
void spec_format_expect(const spec_expect_t *e, char *buf, size_t n);

/* Decodes a JSON name that may hold NUL bytes (see spec_json_parse).
   Returns a malloc'd copy and its length in *len. */
char *spec_name_decode(const char *s, size_t *len);
/* Copies a name for printing, escaping non-printable bytes. */
void spec_name_print(const char *s, size_t len, char *buf, size_t n);
/* Parses wast2json output; JSON "\u0000" escapes survive into names as a
   placeholder spec_name_decode turns back into NUL. NULL on bad JSON. */
cJSON *spec_json_parse(const char *text, size_t len);

/* {====================== spectest and files ======================} */

/* Defines the "spectest" module (functions, globals, table, memory) in
   linker, with fresh objects in store. Returns NULL or an owned error. */
wb_error_t *spec_spectest_define(wb_store_t *store, wb_linker_t *linker,
                                 bool verbose);

/* Runs the commands of one converted .wast file. wast is the basename
   ("i32.wast"), dir the folder holding the .wasm files. Updates counts. */
void spec_run_commands(const char *wast, const char *dir,
                       const cJSON *commands, const spec_opts_t *opts,
                       spec_counts_t *counts);

/* Reads a whole file of at most `limit` bytes into a malloc'd buffer (NUL
   appended). Returns NULL with a reason in why on failure. */
uint8_t *spec_read_file(const char *path, size_t limit, size_t *len,
                        char *why, size_t n);

#endif
