/* SPDX-License-Identifier: Apache-2.0 */
/*
** Linear memory.
**
**   base                    base + pages*64K                 base + RT_MEM_RESERVE
**   |  PROT_READ|PROT_WRITE  |  PROT_NONE (guard, never backed)  |
**
** Each memory reserves the whole range a 32-bit address plus a 32-bit
** offset can reach, so the interpreter does no bounds checks: an access past
** the current size lands in PROT_NONE pages and the fault handler (trap.c)
** turns it into a trap. The reservation costs address space only
** (MAP_NORESERVE); RAM is used as pages are first touched. Growing only
** changes protections, so base never moves.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime/rt.h"
#include "runtime/store.h"

static size_t pages_bytes(uint32_t pages) { return (size_t)pages * RT_PAGE_SIZE; }

/* Fills mem; on failure mem->base is NULL and an owned error says why. */
wb_error_t *rt_memory_init(wb_memory_t *mem, uint32_t min, uint32_t max, bool has_max) {
  memset(mem, 0, sizeof *mem);
  uint32_t eff_max = has_max && max < RT_MAX_PAGES ? max : RT_MAX_PAGES;
  if (min > RT_MAX_PAGES)
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "memory of %u pages exceeds the 4 GiB limit (%u pages)", min, RT_MAX_PAGES);
  if (has_max && min > max)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX,
                        "memory minimum %u pages exceeds its maximum %u", min, max);
  void *p = mmap(NULL, RT_MEM_RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED)
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "cannot reserve %zu bytes of address space for a linear memory: %s",
                        (size_t)RT_MEM_RESERVE, strerror(errno));
  if (min && mprotect(p, pages_bytes(min), PROT_READ | PROT_WRITE) != 0) {
    int err = errno;
    munmap(p, RT_MEM_RESERVE);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "cannot commit %u pages of linear memory: %s", min, strerror(err));
  }
  mem->base = p;
  mem->pages = min;
  mem->max = eff_max;
  mem->has_max = has_max;
  mem->decl_max = has_max ? max : 0;
  return NULL;
}

/* {====================== Images (templates) ======================} */

wb_error_t *rt_memory_map_image(wb_memory_t *mem, int fd, uint32_t pages, uint32_t max,
                                bool has_max) {
  wb_error_t *err = rt_memory_init(mem, 0, max, has_max);
  if (err) return err;
  if (pages > mem->max) {
    rt_memory_release(mem);
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "image of %u pages exceeds the maximum", pages);
  }
  /* MAP_FIXED over our own PROT_NONE reservation: writes go to private
     copies of the pages, the image itself is never written. */
  if (pages && mmap(mem->base, pages_bytes(pages), PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
    int e = errno;
    rt_memory_release(mem);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "cannot map a memory image: %s", strerror(e));
  }
  mem->pages = pages;
  return NULL;
}

/* Reverts the image part: copies back the pages the guest wrote, keeping
   them mapped, or, where the kernel cannot list them, drops the private
   copies so the image shows through again (runtime/reset.c). Then gives
   back what grew past the image. */
int rt_memory_reset_image(wb_memory_t *mem, uint32_t pages, const uint8_t *image) {
  if (mem->pages > pages) {
    uint8_t *from = mem->base + pages_bytes(pages);
    size_t n = pages_bytes(mem->pages - pages);
    if (madvise(from, n, MADV_DONTNEED) != 0 || mprotect(from, n, PROT_NONE) != 0) return -1;
  } else if (mem->pages < pages) {
    return -1; /* memories never shrink: this is not our image */
  }
  if (pages && rt_reset_pages(mem->base, image, pages_bytes(pages)) != 0) return -1;
  mem->pages = pages;
  return 0;
}

void rt_memory_release(wb_memory_t *mem) {
  if (mem->base) munmap(mem->base, RT_MEM_RESERVE);
  mem->base = NULL;
  mem->pages = 0;
}

/* Refuses (-1, nothing changed) past the effective maximum or if the kernel
   cannot commit the pages; delta 0 just reports the size. */
int64_t rt_memory_grow(wb_memory_t *mem, uint32_t delta) {
  uint32_t old = mem->pages;
  if (delta == 0) return old;
  if (!mem->base || (uint64_t)old + delta > mem->max || (uint64_t)old + delta > RT_MAX_PAGES)
    return -1;
  if (mprotect(mem->base + pages_bytes(old), pages_bytes(delta), PROT_READ | PROT_WRITE) != 0)
    return -1;
  mem->pages = old + delta;
  return old;
}

/* {====================== Public API ======================} */

/* A memory bigger than the limit keeps its size but cannot grow. */
wb_error_t *rt_memory_limit(wb_memory_t *mem, const wb_limits_t *limits) {
  /* Start again from the declared maximum, so a limit can be raised too. */
  mem->max = mem->has_max && mem->decl_max < RT_MAX_PAGES ? mem->decl_max : RT_MAX_PAGES;
  if (!limits->max_memory_bytes) return NULL;
  uint64_t pages = limits->max_memory_bytes / RT_PAGE_SIZE;
  if (pages < mem->max) mem->max = (uint32_t)(pages < mem->pages ? mem->pages : pages);
  if (mem->pages > pages)
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "memory of %u pages (%llu bytes) exceeds the limit of %llu bytes",
                        mem->pages, (unsigned long long)pages_bytes(mem->pages),
                        (unsigned long long)limits->max_memory_bytes);
  return NULL;
}

wb_error_t *rt_store_new_memory(wb_store_t *store, uint32_t min, uint32_t max, bool has_max,
                                wb_memory_t **out) {
  wb_memory_t *mem = ut_calloc(1, sizeof *mem);
  wb_error_t *err = rt_memory_init(mem, min, max, has_max);
  *out = NULL;
  if (!err) {
    err = rt_memory_limit(mem, &store->limits);
    if (err) rt_memory_release(mem);
  }
  if (err) {
    free(mem);
    return err;
  }
  rt_store_add_memory(store, mem);
  *out = mem;
  return NULL;
}

/* NULL if the limits are invalid or address space is exhausted; the
   detailed error is only available through the instance path. */
wb_memory_t *wb_memory_new(wb_store_t *store, uint32_t min, uint32_t max, bool has_max) {
  wb_memory_t *mem;
  if (!store) return NULL;
  wb_error_t *err = rt_store_new_memory(store, min, max, has_max, &mem);
  wb_error_delete(err);
  return mem;
}

uint8_t *wb_memory_data(wb_memory_t *memory) { return memory->base; }
size_t wb_memory_data_size(const wb_memory_t *memory) { return pages_bytes(memory->pages); }
uint32_t wb_memory_pages(const wb_memory_t *memory) { return memory->pages; }

bool wb_memory_grow(wb_memory_t *memory, uint32_t delta, uint32_t *old_pages) {
  int64_t r = rt_memory_grow(memory, delta);
  if (r < 0) return false;
  if (old_pages) *old_pages = (uint32_t)r;
  return true;
}

void wb_memory_limits(const wb_memory_t *memory, uint32_t *min, uint32_t *max, bool *has_max) {
  if (min) *min = memory->pages;
  if (max) *max = memory->has_max ? memory->decl_max : RT_MAX_PAGES;
  if (has_max) *has_max = memory->has_max;
}
