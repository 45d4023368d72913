/* SPDX-License-Identifier: Apache-2.0 */
/*
** Templates (runtime/template.c), pools (runtime/pool.c) and snapshots
** (runtime/snapshot.c): the frozen state of an initialised instance and
** what is made from it.
*/
#ifndef WB_RUNTIME_TEMPLATE_H
#define WB_RUNTIME_TEMPLATE_H

#include "runtime/rt.h"

struct wb_template {
  wb_engine_t *engine;
  const wb_module_t *module;
  const wm_module_t *m;
  /* The initialised instance itself, kept frozen in a private store: never
     called again, it is the reference every reset restores and the source
     the snapshot writer reads (memory 0, globals, tables, segments). */
  wb_store_t *store;
  wb_instance_t *inst;
  char *init_name; /* export to drop from snapshots, or NULL */
  bool ran_start;  /* the module's start function ran during instantiation */
  wb_func_t **imports; /* resolved function imports, in import order */
  /* Memory 0 image: a memfd holding image_pages pages (holes read as 0). */
  int memfd;
  uint32_t image_pages;
  const uint8_t *image; /* read-only shared view of the memfd, or NULL */
};

/* Resets an instance made by wb_template_instantiate to the template's state:
   memory reverted and shrunk, tables, mutable globals and segments restored.
   0, or -1 if the memory could not be reset (discard the instance). */
int rt_template_reset(const wb_template_t *tmpl, wb_instance_t *inst);

#endif
