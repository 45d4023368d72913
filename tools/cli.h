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

#endif
