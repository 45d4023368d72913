/* SPDX-License-Identifier: Apache-2.0 */
/*
** Validation of a decoded module and lowering of every function body to the
** interpreter's code (interp/code.h) in the same pass. Messages use the
** spec's wording ("type mismatch", "unknown global 3", ...).
*/
#ifndef WB_VALIDATE_H
#define WB_VALIDATE_H

#include "wasm/module.h"

/* Validates m and fills m->func_declared and m->code. Every m->types[i].id
   must already hold the canonical type id (lowering bakes ids into
   call_indirect). Returns NULL, or an owned error of kind WB_ERROR_VALIDATE
   (or WB_ERROR_DECODE for malformed instructions) with a byte offset. */
wb_error_t *val_module(wm_module_t *m);

#endif
