/* SPDX-License-Identifier: Apache-2.0 */
/*
** Declarations shared by the decoder's files (decode.c: module layout and
** the simple sections; sections.c: constant expressions, element, data and
** code sections; names.c: UTF-8, names, custom and "name" sections).
**
** One reader walks the whole input. Like the reference interpreter, a
** section's contents are read against the end of the module, not of the
** section, and the section size is checked once the contents are read
** ("section size mismatch"). That keeps every error the spec suite expects
** (a vector that claims more entries than a section holds runs into the next
** section exactly as in the reference) while all reads stay bounds-checked.
*/
#ifndef WB_DECODE_DEC_INTERNAL_H
#define WB_DECODE_DEC_INTERNAL_H

#include "decode/decode.h"
#include "decode/reader.h"

/* Module-wide budget for expanded locals: DEC_MAX_LOCALS bounds one
   function, this bounds the sum, so that a few bytes per function cannot
   make the decoder allocate gigabytes of local types. */
#define DEC_MAX_TOTAL_LOCALS (1u << 24)

/* Decoder state for one module. */
typedef struct dec {
  rd_t r;
  wm_module_t *m;
  uint32_t cap_tables, cap_mems, cap_globals, cap_funcs, cap_customs;
  uint32_t nfunc_decls;    /* entries in the function section */
  bool has_name_section;   /* first "name" custom section seen */
  uint32_t name_off, name_len;
  uint64_t total_locals;   /* across all bodies, for DEC_MAX_TOTAL_LOCALS */
} dec_t;

/* Records an error at an explicit offset (first error wins). */
static inline void dec_fail_at(dec_t *d, size_t off, const char *msg) {
  if (!d->r.err) {
    d->r.err = msg;
    d->r.err_off = off;
  }
}

/* ---- names.c ---- */

/* True if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code
   points above U+10FFFF). */
bool dec_utf8_valid(const uint8_t *s, size_t n);

/* Reads a length that must fit in what is left of the input, counting from
   the length's own first byte as the reference interpreter does; else
   "length out of bounds". Used for every vector count and byte string. */
uint32_t dec_len32(dec_t *d);

/* Reads a name (length + UTF-8 bytes) and returns an owned NUL-terminated
   copy, or NULL after recording an error. */
char *dec_name(dec_t *d, uint32_t *len_out);

/* Custom section whose payload spans [start, end): records it in m->customs
   and remembers the first "name" section for dec_names. */
void dec_custom_section(dec_t *d, size_t end);

/* Decodes the remembered "name" section into m->names once the rest of the
   module is known. A garbled name section is ignored, never an error. */
void dec_names(dec_t *d);

/* ---- sections.c ---- */

/* Value and reference types; unknown bytes are malformed. */
wm_valtype_t dec_valtype(dec_t *d);
wm_valtype_t dec_reftype(dec_t *d);

/* Delimits a constant expression: walks its instructions up to the `end`
   that closes it, so that the validator can later report non-constant
   instructions properly. Fills *e with the byte range including `end`. */
void dec_const_expr(dec_t *d, wm_expr_t *e);

void dec_elem_section(dec_t *d);
void dec_data_section(dec_t *d);
void dec_code_section(dec_t *d);

#endif
