/* SPDX-License-Identifier: Apache-2.0 */
/*
** Templates: instantiate once, run the initialisation, freeze.
**
** The initialised instance stays in the template's private store and is
** never called again; it is the reference state. Its memory 0 is copied
** once into a sealed memfd (only non-zero pages are written, the rest stay
** holes that read as zero), and every instance made from the template maps
** that file MAP_PRIVATE: instantiation maps, it never copies the heap.
**
** Globals, tables and segment state are small and copied. References in
** them that point at the template's own functions are translated to the
** new instance's functions; imported (host) functions are shared.
*/
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/instance.h"
#include "runtime/store.h"
#include "runtime/template.h"

#define TP_PAGE 4096u

/* {====================== Freezing ======================} */

static bool page_is_zero(const uint8_t *p) {
  const uint64_t *w = (const uint64_t *)(const void *)p;
  for (size_t i = 0; i < TP_PAGE / 8; i++)
    if (w[i]) return false;
  return true;
}

/* Writes the non-zero runs of pages of mem into fd. */
static int write_image(int fd, const uint8_t *base, size_t bytes) {
  size_t off = 0;
  while (off < bytes) {
    if (page_is_zero(base + off)) {
      off += TP_PAGE;
      continue;
    }
    size_t end = off + TP_PAGE;
    while (end < bytes && !page_is_zero(base + end)) end += TP_PAGE;
    for (size_t at = off; at < end;) {
      ssize_t n = pwrite(fd, base + at, end - at, (off_t)at);
      if (n <= 0) return -1;
      at += (size_t)n;
    }
    off = end;
  }
  return 0;
}

/* Copies memory 0 into a sealed memfd. */
static wb_error_t *freeze_memory(wb_template_t *t) {
  t->memfd = -1;
  if (!t->m->nmems) return NULL;
  const wb_memory_t *mem = t->inst->mems[0];
  size_t bytes = (size_t)mem->pages * RT_PAGE_SIZE;
  int fd = memfd_create("wasmbox-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || ftruncate(fd, (off_t)bytes) != 0 || write_image(fd, mem->base, bytes) != 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "cannot make a memory image: %s",
                        strerror(e));
  }
  t->memfd = fd;
  t->image_pages = mem->pages;
  /* A read-only view of the image: resets copy written pages back from it. */
  if (bytes) {
    void *view = mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0);
    t->image = view == MAP_FAILED ? NULL : view;
  }
  return NULL;
}

/* {====================== Making the template ======================} */

/* Templates share nothing mutable with the outside world. */
static wb_error_t *check_imports(const wm_module_t *m) {
  for (uint32_t i = 0; i < m->nimports; i++) {
    const wm_import_t *imp = &m->imports[i];
    if (imp->kind != WB_EXTERN_FUNC)
      return ut_error_new(WB_ERROR_USAGE, SIZE_MAX,
                          "a template may import functions only, not `%s`.`%s`", imp->module,
                          imp->name);
  }
  return NULL;
}

static wb_func_t *export_func(const wb_instance_t *inst, const char *name) {
  wb_extern_t x;
  if (!wb_instance_export_get(inst, name, strlen(name), &x) || x.kind != WB_EXTERN_FUNC)
    return NULL;
  return x.of.func;
}

/* Picks and runs the init function; an owned error, or NULL with *trap. */
static wb_error_t *run_init(wb_template_t *t, const char *name, wb_trap_t **trap) {
  if (!name) name = export_func(t->inst, "wizer.initialize") ? "wizer.initialize"
                    : export_func(t->inst, "_initialize")    ? "_initialize"
                                                             : NULL;
  if (!name) return NULL;
  wb_func_t *f = export_func(t->inst, name);
  if (!f) return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "no exported function `%s`", name);
  if (f->type->nparams || f->type->nresults)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "init function `%s` must take and return nothing",
                        name);
  t->init_name = ut_strndup(name, strlen(name));
  return wb_func_call(t->store, f, NULL, 0, NULL, 0, trap);
}

static wb_error_t *build(wb_template_t *t, wb_linker_t *linker, const char *init,
                         wb_trap_t **trap) {
  const wm_module_t *m = t->m;
  wb_error_t *err = check_imports(m);
  if (err) return err;
  wb_extern_t *imports = ut_calloc(m->nimports + 1, sizeof *imports);
  err = rt_linker_resolve(linker, m, imports);
  t->imports = ut_calloc(m->nimports + 1, sizeof *t->imports);
  for (uint32_t i = 0; !err && i < m->nimports; i++) t->imports[i] = imports[i].of.func;
  if (!err) err = rt_instantiate(t->store, t->module, imports, &t->inst, trap);
  free(imports);
  if (err || *trap) return err;
  t->ran_start = m->has_start;
  err = run_init(t, init, trap);
  if (err || *trap) return err;
  return freeze_memory(t);
}

wb_error_t *wb_template_new(wb_linker_t *linker, const wb_module_t *module,
                            const char *init_export, wb_template_t **out, wb_trap_t **trap) {
  *out = NULL;
  *trap = NULL;
  wb_template_t *t = ut_calloc(1, sizeof *t);
  t->engine = module->engine;
  t->module = module;
  t->m = module->m;
  t->memfd = -1;
  t->store = wb_store_new(module->engine);
  wb_error_t *err = t->store ? build(t, linker, init_export, trap)
                             : ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "cannot make a store");
  if (err || *trap) {
    wb_template_delete(t);
    return err;
  }
  *out = t;
  return NULL;
}

/* The derived template starts as an instance of base in its own store. */
static wb_error_t *derive_start(wb_template_t *t, wb_template_t *base) {
  t->engine = base->engine;
  t->module = base->module;
  t->m = base->m;
  t->memfd = -1;
  t->ran_start = base->ran_start;
  if (base->init_name) t->init_name = ut_strndup(base->init_name, strlen(base->init_name));
  t->imports = ut_calloc(t->m->nimports + 1, sizeof *t->imports);
  memcpy(t->imports, base->imports, sizeof *t->imports * t->m->nimports);
  t->store = wb_store_new(t->engine);
  if (!t->store) return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "cannot make a store");
  return wb_template_instantiate(base, t->store, &t->inst);
}

wb_error_t *wb_template_derive(wb_template_t *base, wb_template_setup_t setup, void *env,
                               wb_template_t **out, wb_trap_t **trap) {
  *out = NULL;
  *trap = NULL;
  wb_template_t *t = ut_calloc(1, sizeof *t);
  wb_error_t *err = derive_start(t, base);
  if (!err && setup) err = setup(env, t->store, t->inst, trap);
  /* A setup that trapped half-way must not become anyone's starting point. */
  if (!err && !*trap && t->inst->poisoned)
    err = ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "template setup left the instance trapped");
  if (!err && !*trap) wb_store_deadline_set(t->store, 0);
  if (!err && !*trap) err = freeze_memory(t);
  if (err || *trap) {
    wb_template_delete(t);
    return err;
  }
  *out = t;
  return NULL;
}

void wb_template_delete(wb_template_t *tmpl) {
  if (!tmpl) return;
  if (tmpl->image) munmap((void *)tmpl->image, (size_t)tmpl->image_pages * RT_PAGE_SIZE);
  if (tmpl->memfd >= 0) close(tmpl->memfd);
  if (tmpl->store) wb_store_delete(tmpl->store);
  free(tmpl->imports);
  free(tmpl->init_name);
  free(tmpl);
}

size_t wb_template_memory_size(const wb_template_t *tmpl) {
  return (size_t)tmpl->image_pages * RT_PAGE_SIZE;
}

/* {====================== Instances from the template ======================} */

/* A reference held by the template's instance, as seen from inst. */
static void *translate(const wb_template_t *t, const wb_instance_t *inst, void *ref) {
  const wb_func_t *f = ref;
  uint32_t n = t->m->nfuncs - t->m->nfunc_imports;
  if (f >= t->inst->own_funcs && f < t->inst->own_funcs + n)
    return &inst->own_funcs[f - t->inst->own_funcs];
  return ref;
}

static void copy_refs(const wb_template_t *t, const wb_instance_t *inst, void **dst,
                      void *const *src, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) dst[i] = translate(t, inst, src[i]);
}

/* Table i of inst takes the template's size and contents. */
static void restore_table(const wb_template_t *t, wb_instance_t *inst, uint32_t i) {
  const wb_table_t *src = t->inst->tables[i];
  wb_table_t *dst = inst->tables[i];
  if (dst->size != src->size) dst->elems = ut_realloc(dst->elems, sizeof(void *) * (src->size + 1));
  dst->size = src->size;
  copy_refs(t, inst, dst->elems, src->elems, src->size);
}

static void restore_global(const wb_template_t *t, wb_instance_t *inst, uint32_t i) {
  const wb_global_t *src = t->inst->globals[i];
  inst->globals[i]->val = src->val;
  if (wm_is_ref(src->type)) inst->globals[i]->val.ref = translate(t, inst, src->val.ref);
}

/* Element and data segments: dropped ones stay dropped. */
static void restore_segments(const wb_template_t *t, wb_instance_t *inst) {
  for (uint32_t i = 0; i < t->m->nelems; i++) {
    const rt_elemseg_t *src = &t->inst->elems[i];
    rt_elemseg_t *dst = &inst->elems[i];
    if (!dst->refs && src->n) dst->refs = ut_malloc(sizeof(void *) * src->n);
    dst->n = src->n;
    copy_refs(t, inst, dst->refs, src->refs, src->n);
  }
  memcpy(inst->datas, t->inst->datas, sizeof *inst->datas * t->m->ndatas);
}

/* Makes the defined memories, tables and globals of inst. */
static wb_error_t *make_objects(const wb_template_t *t, wb_instance_t *inst) {
  const wm_module_t *m = t->m;
  if (m->nmems) {
    const wm_limits_t *l = &m->mems[0];
    wb_memory_t *mem = ut_calloc(1, sizeof *mem);
    wb_error_t *err = rt_memory_map_image(mem, t->memfd, t->image_pages, l->max, l->has_max);
    if (!err) err = rt_memory_limit(mem, &inst->store->limits);
    if (err) {
      if (mem->base) rt_memory_release(mem);
      free(mem);
      return err;
    }
    inst->mems[0] = mem;
    inst->mem0 = mem->base;
  }
  for (uint32_t i = 0; i < m->ntables; i++) {
    const wb_table_t *src = t->inst->tables[i];
    wb_table_t *tab = ut_calloc(1, sizeof *tab);
    *tab = (wb_table_t){src->elem, 0, src->max, src->has_max, src->limit, NULL};
    inst->tables[i] = tab;
    restore_table(t, inst, i);
    wb_error_t *err = rt_table_limit(tab, &inst->store->limits);
    if (err) return err;
  }
  for (uint32_t i = 0; i < m->nglobals; i++) {
    const wb_global_t *src = t->inst->globals[i];
    inst->globals[i] = ut_calloc(1, sizeof *inst->globals[i]);
    inst->globals[i]->type = src->type;
    inst->globals[i]->mut = src->mut;
    restore_global(t, inst, i);
  }
  restore_segments(t, inst);
  return NULL;
}

wb_error_t *wb_template_instantiate(wb_template_t *tmpl, wb_store_t *store, wb_instance_t **out) {
  *out = NULL;
  if (store->engine != tmpl->engine)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "template and store use different engines");
  wb_instance_t *inst = rt_instance_alloc(store, tmpl->module);
  for (uint32_t i = 0; i < tmpl->m->nfunc_imports; i++) inst->funcs[i] = tmpl->imports[i];
  rt_instance_init_funcs(inst);
  wb_error_t *err = make_objects(tmpl, inst);
  if (err) {
    rt_instance_discard(inst);
    return err;
  }
  rt_instance_register(inst);
  *out = inst;
  return NULL;
}

int rt_template_reset(const wb_template_t *tmpl, wb_instance_t *inst) {
  const wm_module_t *m = tmpl->m;
  if (m->nmems && rt_memory_reset_image(inst->mems[0], tmpl->image_pages, tmpl->image) != 0) return -1;
  for (uint32_t i = 0; i < m->ntables; i++) restore_table(tmpl, inst, i);
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
    if (inst->globals[i]->mut) restore_global(tmpl, inst, i);
  restore_segments(tmpl, inst);
  inst->poisoned = false;
  return 0;
}
