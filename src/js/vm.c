/* SPDX-License-Identifier: Apache-2.0 */
/*
** Calls into one guest instance through the public API. Exports are looked
** up by name on every call: an instance of the guest has about ten
** exports, so a lookup is a few short compares, cheaper than any cache
** keyed by instance would be to keep right across pool resets.
**
** Everything the guest hands back (addresses, lengths) is checked against
** its memory before the host reads it: a broken guest gives an error, never
** a host fault.
*/
#include <string.h>

#include "js/js.h"

#define JS_MAX_ARGS 4

/* The guest broke the ABI: records the first such error. */
static bool vm_fail(js_vm_t *vm, const char *fmt, const char *what) {
  if (!vm->err && !vm->trap) vm->err = ut_error_new(WB_ERROR_USAGE, SIZE_MAX, fmt, what);
  return false;
}

bool js_vm_call(js_vm_t *vm, const char *name, const int32_t *args, size_t nargs, int32_t *result) {
  if (vm->trap || vm->err) return false;
  wb_extern_t ext;
  if (!wb_instance_export_get(vm->inst, name, strlen(name), &ext) || ext.kind != WB_EXTERN_FUNC)
    return vm_fail(vm, "the JavaScript guest has no function export %s", name);
  wb_val_t in[JS_MAX_ARGS], out[1] = {{.kind = WB_I32}};
  for (size_t i = 0; i < nargs && i < JS_MAX_ARGS; i++)
    in[i] = (wb_val_t){.kind = WB_I32, .of.i32 = args[i]};
  size_t nres = result ? 1 : 0;
  vm->err = wb_func_call(vm->store, ext.of.func, in, nargs, out, nres, &vm->trap);
  if (vm->err || vm->trap) return false;
  if (result) *result = out[0].of.i32;
  return true;
}

uint8_t *js_vm_span(js_vm_t *vm, int32_t ptr, size_t len) {
  wb_memory_t *mem = wb_instance_memory(vm->inst);
  if (!mem || !ptr) return NULL;
  size_t size = wb_memory_data_size(mem), at = (uint32_t)ptr;
  if (at > size || len > size - at) return NULL;
  return wb_memory_data(mem) + at;
}

bool js_vm_alloc(js_vm_t *vm, size_t len, int32_t *ptr, uint8_t **host) {
  if (len > INT32_MAX) return vm_fail(vm, "%s: input over 2 GiB", "wbjs_alloc");
  int32_t arg = (int32_t)(len ? len : 1), p = 0;
  if (!js_vm_call(vm, "wbjs_alloc", &arg, 1, &p)) return false;
  if (p == 0) {
    if (!vm->err)
      vm->err = ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                             "the JavaScript guest is out of memory (%zu bytes of input)", len);
    return false;
  }
  *host = js_vm_span(vm, p, len);
  if (!*host) return vm_fail(vm, "%s returned an address outside memory", "wbjs_alloc");
  *ptr = p;
  return true;
}

bool js_vm_put(js_vm_t *vm, const void *data, size_t len, int32_t *ptr) {
  uint8_t *host;
  if (!js_vm_alloc(vm, len, ptr, &host)) return false;
  if (len) memcpy(host, data, len);
  return true;
}

bool js_vm_output(js_vm_t *vm, const uint8_t **out, size_t *len) {
  int32_t p = 0, n = 0;
  if (!js_vm_call(vm, "wbjs_out_ptr", NULL, 0, &p) || !js_vm_call(vm, "wbjs_out_len", NULL, 0, &n))
    return false;
  *out = js_vm_span(vm, p, (uint32_t)n);
  if (!*out) return vm_fail(vm, "%s: output buffer outside memory", "wbjs_out_ptr");
  *len = (uint32_t)n;
  return true;
}

void js_vm_clear(js_vm_t *vm) {
  wb_trap_delete(vm->trap);
  wb_error_delete(vm->err);
  vm->trap = NULL;
  vm->err = NULL;
}
