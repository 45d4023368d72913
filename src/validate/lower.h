/* SPDX-License-Identifier: Apache-2.0 */
/*
** Function-body validation and lowering (validate/func.c), driven by the
** module-level checks in validate/module.c.
*/
#ifndef WB_VALIDATE_LOWER_H
#define WB_VALIDATE_LOWER_H

#include "interp/code.h"
#include "wasm/module.h"

/* Validates defined function `code_idx` of m and lowers it. Returns NULL and
   sets *out (owned by the caller, free with ip_code_free), or returns an
   owned error. m->func_declared must be filled. */
wb_error_t *val_function(const wm_module_t *m, uint32_t code_idx, ip_code_t **out);

#endif
