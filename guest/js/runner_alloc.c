/* SPDX-License-Identifier: Apache-2.0 */
/*
** QuickJS's allocator: wasi-libc's malloc with QuickJS's own accounting
** (the garbage collector runs when malloc_size crosses a threshold), plus
** one fact the runner needs: whether an allocation failed during the
** current call; and the settling of the heap before a snapshot (below).
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

/* {====================== Settling the heap ======================} */
/*
** Initialisation leaves the heap full of holes (freed parse state,
** temporary strings). A request allocating from them writes to pages all
** over the heap, and every page a request writes is copied by the host
** and kept by the instance. So before the base snapshot the holes are
** filled: every free block is allocated and never freed. That memory
** stays in the snapshots' images, shared by every instance, and later
** allocations come from the top of the heap: a few contiguous pages (the
** holes module evaluation leaves are near the top, so wbjs_load does not
** fill them: filling writes every page that has a hole, which costs a
** deploy more than it saves).
**
** wasi-libc's allocator is dlmalloc: a u32 `size | flags` precedes each
** block, chunks follow one another up to the top chunk (the free space
** at the end of the heap), which ends a few bytes below the end of
** memory. The top is found by walking the headers from a block; then
** blocks are allocated, large to small, until each size comes from the
** top. Headers that do not read as expected end the settling early,
** which costs pages, not correctness. Before the function's snapshot
** the top is grown to RN_TOP_RESERVE if it is smaller, so that a typical
** request does not have to grow memory (the host shrinks it again at
** every reset); pages of it that no request writes cost nothing, and a
** memory limit too tight for it just leaves the top as it is.
*/

/* dlmalloc keeps its TOP_FOOT_SIZE between the top chunk and the end of
   memory; well under this. */
#define RN_TOP_FOOT_MAX 256u
#define RN_WALK_MAX (1u << 20)
#define RN_SETTLE_MAX (1u << 17)
#define RN_TOP_RESERVE ((size_t)256 << 10)

static uintptr_t memory_end(void) { return __builtin_wasm_memory_size(0) * 65536u; }

/* The u32 at guest address a: volatile, since it lies outside any object
   the compiler knows of. */
static uint32_t peek(uintptr_t a) { return *(volatile const uint32_t *)a; }

/* The top chunk: walks the chunks from block p to the end of memory.
   Returns its address and *size, or 0 if the headers make no sense. */
static uintptr_t find_top(uintptr_t p, size_t *size) {
  uintptr_t end = memory_end(), c = p - 8;
  for (uint32_t steps = 0; steps < RN_WALK_MAX; steps++) {
    uint32_t n = peek(c + 4) & ~7u;
    if (n < 16 || n > end - c - 8) return 0;
    if (end - (c + n) < RN_TOP_FOOT_MAX) {
      *size = n;
      return c;
    }
    c += n;
  }
  return 0;
}

/* Allocates blocks of size until one comes from the top (then freed, so
   the top is unchanged). false if that cannot be told or memory grew. */
static bool fill_holes(size_t size, uintptr_t top) {
  size_t pages = __builtin_wasm_memory_size(0);
  for (uint32_t n = 0; n < RN_SETTLE_MAX; n++) {
    void *p = malloc(size);
    if (!p) return false;
    if ((uintptr_t)p - 8 == top || __builtin_wasm_memory_size(0) != pages) {
      free(p);
      return __builtin_wasm_memory_size(0) == pages;
    }
  }
  return false;
}

/* The top chunk and its size, or 0 (see find_top). */
static uintptr_t heap_top(size_t *size) {
  void *probe = malloc(8); /* kept: freeing it could move the top */
  return probe ? find_top((uintptr_t)probe, size) : 0;
}

void rn_alloc_fill_holes(void) {
  size_t top_size = 0, size = 8;
  uintptr_t top = heap_top(&top_size);
  if (!top) return;
  while (size * 4 <= top_size) size *= 2; /* always fits in the top */
  for (; size >= 8; size /= 2)
    if (!fill_holes(size, top)) return;
}

void rn_alloc_reserve(void) {
  size_t top_size = 0;
  if (!heap_top(&top_size) || top_size >= RN_TOP_RESERVE) return;
  void *volatile room = malloc(RN_TOP_RESERVE); /* volatile: kept as written */
  free(room);                                   /* joins the top */
}

bool rn_alloc_failed(void) { return rn_failed; }

void rn_alloc_reset(void) { rn_failed = false; }
