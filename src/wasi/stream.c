/* SPDX-License-Identifier: Apache-2.0 */
/*
** Memory-backed stdio: guest stdin reading from bytes the embedder lent,
** guest stdout and stderr handing their bytes to a callback. They behave
** as pipes do (no position, no metadata worth a stat), and nothing here
** makes a system call: a state made per request costs no more than its
** allocations.
**
** A callback's refusal is a trap, never an error the guest sees: an
** output bound must hold even for a guest that ignores failed writes and
** keeps writing (each try would be a host call until the deadline).
*/
#include "wasi/wasi_int.h"

/* Copies up to len bytes of input to p; returns how many. */
static size_t input_read(wasi_fd_t *f, uint8_t *p, size_t len) {
  size_t left = f->mem.in.len - f->mem.in.pos;
  size_t n = len < left ? len : left;
  if (n) memcpy(p, f->mem.in.data + f->mem.in.pos, n);
  f->mem.in.pos += n;
  return n;
}

/* Hands len bytes at p to the output callback; false (and m->trap set)
   when it refused them. */
static bool output_write(wasi_fd_t *f, wasi_mem_t *m, const uint8_t *p, size_t len) {
  if (!len || !f->mem.out.fn) return true; /* no callback: discarded */
  m->trap = f->mem.out.fn(f->mem.out.env, p, len);
  return m->trap == NULL;
}

uint16_t wasi_stream_transfer(wasi_fd_t *f, wasi_mem_t *m, uint32_t iovs, uint32_t n,
                              uint32_t out) {
  if (!wasi_mem_ok(m, iovs, (uint64_t)n * WASI_SIZEOF_IOVEC) || !wasi_mem_ok(m, out, 4))
    return WASI_EFAULT;
  /* Every buffer is checked before any byte moves: a bad iovec fails the
     call without consuming input or emitting output. */
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf = 0, len = 0;
    wasi_load_u32(m, iovs + i * WASI_SIZEOF_IOVEC, &buf);
    wasi_load_u32(m, iovs + i * WASI_SIZEOF_IOVEC + 4, &len);
    if (!wasi_mem_ok(m, buf, len)) return WASI_EFAULT;
  }
  uint64_t done = 0;
  for (uint32_t i = 0; i < n && done < UINT32_MAX; i++) {
    uint32_t buf = 0, len = 0;
    wasi_load_u32(m, iovs + i * WASI_SIZEOF_IOVEC, &buf);
    wasi_load_u32(m, iovs + i * WASI_SIZEOF_IOVEC + 4, &len);
    if (len > UINT32_MAX - done) len = (uint32_t)(UINT32_MAX - done); /* the count is 32-bit */
    if (f->kind == WASI_FD_INPUT) {
      size_t got = input_read(f, wasi_mem_at(m, buf), len);
      done += got;
      if (got < len) break; /* end of input */
    } else {
      if (!output_write(f, m, wasi_mem_at(m, buf), len)) return WASI_EIO; /* the trap wins */
      done += len;
    }
  }
  wasi_store_u32(m, out, (uint32_t)done);
  return WASI_ESUCCESS;
}

uint64_t wasi_stream_available(const wasi_fd_t *f, bool *hangup) {
  *hangup = false;
  if (f->kind != WASI_FD_INPUT) return 0;
  size_t left = f->mem.in.len - f->mem.in.pos;
  *hangup = left == 0; /* as a pipe whose writer is gone */
  return left;
}

bool wasi_stream_filestat(wasi_mem_t *m, uint32_t out, const wasi_fd_t *f) {
  if (!wasi_mem_ok(m, out, WASI_SIZEOF_FILESTAT)) return false;
  memset(wasi_mem_at(m, out), 0, WASI_SIZEOF_FILESTAT);
  wasi_store_u8(m, out + 16, f->filetype);
  return true;
}
