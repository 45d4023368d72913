/* SPDX-License-Identifier: Apache-2.0 */
/*
** Resetting a memory to its image (prefix rt_reset_).
**
** An instance made from a template maps the image privately: pages the
** guest writes become private copies. Two ways to revert them:
**
** - drop the copies (madvise MADV_DONTNEED): the image shows through
**   again, but the next call pays a page fault and a 4 KiB copy for every
**   page it writes again, about 2 us each on a virtual machine, on the
**   request's critical path;
** - copy the image back over the pages that were written and keep them
**   mapped: the next call runs without faults. The written pages are found
**   with the PAGEMAP_SCAN ioctl of /proc/self/pagemap (Linux 6.7): pages
**   that are present and no longer the file's are exactly the private
**   copies. Its cost follows the pages the instance has touched (about
**   30 ns each to walk) plus a memcpy per written page.
**
** We copy when the kernel can list the pages, and keep at most
** RESET_RESIDENT_MAX bytes resident per reset so an idle pooled instance
** cannot pin much memory; beyond that, and on older kernels, we drop.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/rt.h"

/* The PAGEMAP_SCAN ABI (linux/fs.h since 6.7; Debian 12's headers
   predate it, so the documented layout is spelled out here). */
typedef struct reset_region {
  uint64_t start, end, categories;
} reset_region_t;

typedef struct reset_scan {
  uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
  uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
} reset_scan_t;

#define RESET_PAGEMAP_SCAN _IOWR('f', 16, reset_scan_t)
#define RESET_PAGE_IS_FILE (1u << 2)
#define RESET_PAGE_IS_PRESENT (1u << 3)
#define RESET_PAGE_IS_SWAPPED (1u << 4)
#define RESET_PAGE_IS_PFNZERO (1u << 5)

#define RESET_RESIDENT_MAX ((size_t)8 << 20)
#define RESET_VEC 256

/* /proc/self/pagemap, opened once; -1 when scanning is unavailable. */
static int pagemap_fd = -1;
static pthread_once_t pagemap_once = PTHREAD_ONCE_INIT;
static atomic_bool scan_broken;

static void pagemap_open(void) { pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC); }

static int drop_pages(uint8_t *p, size_t len) { return madvise(p, len, MADV_DONTNEED); }

/* Lists, from *from up to end, the guest's private copies: present or
   swapped, neither the file's page nor the shared zero page. Returns the
   number of regions (advancing *from past what was walked), or -1. */
static long scan_written(uint64_t *from, uint64_t end, reset_region_t *vec) {
  reset_scan_t a = {.size = sizeof a,
                    .start = *from,
                    .end = end,
                    .vec = (uint64_t)(uintptr_t)vec,
                    .vec_len = RESET_VEC,
                    .category_inverted = RESET_PAGE_IS_FILE | RESET_PAGE_IS_PFNZERO,
                    .category_mask = RESET_PAGE_IS_FILE | RESET_PAGE_IS_PFNZERO,
                    .category_anyof_mask = RESET_PAGE_IS_PRESENT | RESET_PAGE_IS_SWAPPED,
                    .return_mask = RESET_PAGE_IS_PRESENT | RESET_PAGE_IS_SWAPPED};
  long n = ioctl(pagemap_fd, RESET_PAGEMAP_SCAN, &a);
  if (n >= 0) *from = a.walk_end;
  return n;
}

/* Reverts one region: copied while the resident budget lasts, else dropped. */
static int revert_region(uint8_t *base, const uint8_t *image, const reset_region_t *r,
                         size_t *budget) {
  size_t off = (size_t)(r->start - (uintptr_t)base), len = (size_t)(r->end - r->start);
  if (len > *budget) return drop_pages(base + off, len);
  *budget -= len;
  memcpy(base + off, image + off, len);
  return 0;
}

static int copy_back(uint8_t *base, const uint8_t *image, size_t len) {
  reset_region_t vec[RESET_VEC];
  uint64_t from = (uintptr_t)base, end = from + len;
  size_t budget = RESET_RESIDENT_MAX;
  while (from < end) {
    long n = scan_written(&from, end, vec);
    if (n < 0) return -1;
    for (long i = 0; i < n; i++)
      if (revert_region(base, image, &vec[i], &budget) != 0) return -1;
    if (n < RESET_VEC) break; /* the walk reached end */
  }
  return 0;
}

int rt_reset_pages(uint8_t *base, const uint8_t *image, size_t len) {
  pthread_once(&pagemap_once, pagemap_open);
  if (!image || pagemap_fd < 0 || atomic_load_explicit(&scan_broken, memory_order_relaxed))
    return drop_pages(base, len);
  if (copy_back(base, image, len) == 0) return 0;
  /* ENOTTY/EINVAL: a kernel without PAGEMAP_SCAN. Dropping is always right. */
  if (errno == ENOTTY || errno == EINVAL) atomic_store(&scan_broken, true);
  return drop_pages(base, len);
}
