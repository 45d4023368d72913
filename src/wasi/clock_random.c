/* SPDX-License-Identifier: Apache-2.0 */
/*
** Clocks and randomness. Both are capabilities: without the grant every
** call fails with ENOTCAPABLE, so a guest cannot time the host or read its
** entropy unless the embedder allowed it. (wasi-libc does not call either
** at start-up, so programs that never ask still run.)
*/
#define _GNU_SOURCE
#include <errno.h>
#include <sys/random.h>
#include <time.h>

#include "wasi/wasi_int.h"

/* The host clock behind a WASI clock id, or -1. */
static clockid_t host_clock(uint32_t id) {
  switch (id) {
  case WASI_CLOCK_REALTIME: return CLOCK_REALTIME;
  case WASI_CLOCK_MONOTONIC: return CLOCK_MONOTONIC;
  case WASI_CLOCK_PROCESS: return CLOCK_PROCESS_CPUTIME_ID;
  case WASI_CLOCK_THREAD: return CLOCK_THREAD_CPUTIME_ID;
  default: return (clockid_t)-1;
  }
}

uint16_t wasi_clock_now(uint32_t id, uint64_t *ns) {
  clockid_t c = host_clock(id);
  struct timespec ts;
  if (c == (clockid_t)-1) return WASI_EINVAL;
  if (clock_gettime(c, &ts) < 0) return wasi_errno(errno);
  *ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  return WASI_ESUCCESS;
}

/* clock_res_get(id, *resolution) */
uint16_t wasi_clock_res_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  if (!w->clocks) return WASI_ENOTCAPABLE;
  clockid_t c = host_clock(wasi_u32(a, 0));
  uint32_t out = wasi_u32(a, 1);
  if (c == (clockid_t)-1) return WASI_EINVAL;
  if (!wasi_mem_ok(m, out, 8)) return WASI_EFAULT;
  struct timespec ts;
  if (clock_getres(c, &ts) < 0) return wasi_errno(errno);
  wasi_store_u64(m, out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
  return WASI_ESUCCESS;
}

/* clock_time_get(id, precision, *time); the precision hint is ignored. */
uint16_t wasi_clock_time_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  if (!w->clocks) return WASI_ENOTCAPABLE;
  uint32_t out = wasi_u32(a, 2);
  uint64_t ns = 0;
  uint16_t err = wasi_clock_now(wasi_u32(a, 0), &ns);
  if (err) return err;
  if (!wasi_store_u64(m, out, ns)) return WASI_EFAULT;
  return WASI_ESUCCESS;
}

/* random_get(buf, len): fills the buffer from the host's getrandom, which
   returns at most 32 MiB per call, hence the loop. */
uint16_t wasi_random_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  if (!w->random) return WASI_ENOTCAPABLE;
  uint32_t buf = wasi_u32(a, 0), len = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, buf, len)) return WASI_EFAULT;
  uint8_t *p = wasi_mem_at(m, buf);
  for (uint32_t done = 0; done < len;) {
    ssize_t n = getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return wasi_errno(errno);
    }
    done += (uint32_t)n;
  }
  return WASI_ESUCCESS;
}
