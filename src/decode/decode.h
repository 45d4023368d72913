/* SPDX-License-Identifier: Apache-2.0 */
/*
** Binary decoder: bytes -> wm_module_t. Checks everything the spec calls
** "malformed" (structure, LEB128 encodings, section order and sizes, UTF-8
** names, counts that disagree) and leaves typing to the validator. Function
** bodies are only delimited here (locals expanded); the validator walks
** their instructions.
*/
#ifndef WB_DECODE_H
#define WB_DECODE_H

#include "wasm/module.h"

/* Decodes bytes[0..len), which are only read. On success returns NULL and
   sets *out to a module the caller owns (free with wm_module_free); on
   failure returns an owned error of kind WB_ERROR_DECODE whose message
   starts with the spec's wording and names the section, with the byte
   offset of the problem, and sets *out to NULL. */
wb_error_t *dec_module(const uint8_t *bytes, size_t len, wm_module_t **out);

/* Limits that keep hostile inputs from asking for absurd allocations. */
#define DEC_MAX_LOCALS 50000u
#define DEC_MAX_PARAMS 1000u

#endif
