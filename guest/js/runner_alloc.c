/* SPDX-License-Identifier: Apache-2.0 */
/*
** QuickJS's allocator: wasi-libc's malloc with QuickJS's own accounting
** (the garbage collector runs when malloc_size crosses a threshold), plus
** one fact the runner needs: whether an allocation failed during the
** current call.
**
** When memory is so short that QuickJS cannot even make the
** "out of memory" error object, it throws `null` instead; the runner
** reports such a `null` as the out-of-memory error it stands for.
*/
#include <malloc.h>
#include <stdlib.h>

#include "runner.h"

/* Bytes QuickJS counts per block on top of its usable size (its default
   allocator's MALLOC_OVERHEAD). */
#define RN_MALLOC_OVERHEAD 8

static bool rn_failed;

static void *js_alloc(JSMallocState *s, size_t size) {
  if (s->malloc_size + size > s->malloc_limit) return NULL;
  void *p = malloc(size);
  if (!p) {
    rn_failed = true;
    return NULL;
  }
  s->malloc_count++;
  s->malloc_size += malloc_usable_size(p) + RN_MALLOC_OVERHEAD;
  return p;
}

static void js_release(JSMallocState *s, void *p) {
  if (!p) return;
  s->malloc_count--;
  s->malloc_size -= malloc_usable_size(p) + RN_MALLOC_OVERHEAD;
  free(p);
}

static void *js_resize(JSMallocState *s, void *p, size_t size) {
  if (!p) return size ? js_alloc(s, size) : NULL;
  size_t old = malloc_usable_size(p);
  if (size == 0) {
    js_release(s, p);
    return NULL;
  }
  if (s->malloc_size + size - old > s->malloc_limit) return NULL;
  void *q = realloc(p, size);
  if (!q) {
    rn_failed = true;
    return NULL;
  }
  s->malloc_size += malloc_usable_size(q) - old;
  return q;
}

static size_t js_usable(const void *p) { return malloc_usable_size((void *)p); }

const JSMallocFunctions rn_alloc_funcs = {js_alloc, js_release, js_resize, js_usable};

bool rn_alloc_failed(void) { return rn_failed; }

void rn_alloc_reset(void) { rn_failed = false; }
