/* SPDX-License-Identifier: Apache-2.0 */
/*
** Helpers of the `wasmbox` command-line tool (prefix cli_). The tool uses
** only the public API (include/wasmbox.h); these helpers turn command-line
** text into wb_val_t arguments and results back into text.
*/
#ifndef WB_TOOLS_CLI_H
#define WB_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmbox.h"

/* Longest text cli_val_format writes, including the terminating NUL. */
#define CLI_VAL_TEXT_MAX 64

/* Parses text as a value of kind into *out. Integers: signed or unsigned
   decimal, or 0x hex, with an optional sign. Floats: decimal, hex float,
   inf, nan and nan:0x<payload>, each with an optional sign. References:
   only `null`. Returns false (and leaves *out unspecified) when the text
   is not a value of that kind or is out of range. */
bool cli_val_parse(const char *text, wb_valkind_t kind, wb_val_t *out);

/* Writes v as text into buf (at least CLI_VAL_TEXT_MAX bytes): integers in
   signed decimal, floats in the shortest form that reads back to the same
   bits (nan, -nan, nan:0x<payload>, inf, -inf for the special values),
   references as `null` or `ref`. */
void cli_val_format(const wb_val_t *v, char *buf, size_t size);

/* Resource limits from the command line (--max-memory, --timeout, --fuel,
   --max-stack); zero fields mean "not given". */
typedef struct cli_limits {
  uint64_t max_memory; /* bytes */
  uint64_t timeout_ns;
  uint64_t fuel;
  bool fuel_set;
  uint64_t stack_bytes;
} cli_limits_t;

/* Parses the limit option at argv[*i] into *l. Returns 1 if it was one
   (advancing *i past a separate value), 0 if argv[*i] is not a limit
   option, -1 after printing a message about a bad value. */
int cli_limits_parse(int argc, char **argv, int *i, cli_limits_t *l);
/* Applies the engine part (value stack) to config. */
void cli_limits_config(const cli_limits_t *l, wb_config_t *config);
/* Applies the store part (memory, deadline, fuel) to store. */
void cli_limits_store(const cli_limits_t *l, wb_store_t *store);

/* Prints a library error on one line as "wasmbox: CMD: WHERE: message (at
   byte offset 0x...)" (cmd may be NULL): a multi-line message (a link
   error lists every import that failed) has its lines joined with "; ". */
void cli_report_error(const char *cmd, const char *where, const wb_error_t *err);
/* Reads a whole file into a malloc'ed buffer the caller frees. NULL (errno
   set) on failure; an empty file gives a non-NULL buffer of length 0. */
uint8_t *cli_read_file(const char *path, size_t *len);

/* Replaces this process with the program of that name next to the
   running executable, with argv (NULL-terminated). Returns only on
   failure: 1, after printing why. */
int cli_exec_sibling(const char *program, char **argv);

/* `wasmbox js HANDLER.js ...` (tools/cli_js.c) and `wasmbox serve DIR ...`
   (tools/cli_serve.c, in the wasmbox-serve program): argv[0] is the
   command name. Return the exit status. */
int cli_js(int argc, char **argv);
int cli_serve(int argc, char **argv);

#endif
