/* SPDX-License-Identifier: Apache-2.0 */
/*
** The guest descriptor table: guest numbers map to host descriptors (or
** memory-backed stdio, stream.c) plus the WASI rights that bound what the
** guest may do with them. Rights only ever shrink (a descriptor opened
** through a directory gets at most that directory's inheriting rights),
** which is how a read-only grant stays read-only all the way down.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

/* Guest descriptors are bounded so a guest cannot grow the table without
   limit; the host's own RLIMIT_NOFILE usually bites first. */
#define WASI_MAX_FDS 65536u

wasi_fd_t *wasi_fd_get(wasi_t *w, uint32_t fd, uint64_t need, uint16_t *err) {
  if (fd >= w->nfds || w->fds[fd].kind == WASI_FD_FREE) {
    *err = WASI_EBADF;
    return NULL;
  }
  wasi_fd_t *f = &w->fds[fd];
  if ((f->rights & need) != need) {
    *err = WASI_ENOTCAPABLE;
    return NULL;
  }
  *err = WASI_ESUCCESS;
  return f;
}

/* Grows the table to at least n slots (all free). */
static bool fd_reserve(wasi_t *w, uint32_t n) {
  if (n <= w->nfds) return true;
  if (n > WASI_MAX_FDS) return false;
  uint32_t cap = w->nfds ? w->nfds : 8;
  while (cap < n) cap *= 2;
  w->fds = ut_realloc(w->fds, cap * sizeof *w->fds);
  memset(w->fds + w->nfds, 0, (cap - w->nfds) * sizeof *w->fds); /* zeroed: free */
  w->nfds = cap;
  return true;
}

void wasi_fd_put(wasi_t *w, uint32_t slot, const wasi_fd_t *f) {
  fd_reserve(w, slot + 1);
  w->fds[slot] = *f;
}

int64_t wasi_fd_add(wasi_t *w, int host, bool owned, uint8_t filetype, uint64_t rights,
                    uint64_t inheriting) {
  uint32_t i = 3; /* 0-2 are stdio, even when closed: preopens start at 3 */
  fd_reserve(w, 4);
  while (i < w->nfds && w->fds[i].kind != WASI_FD_FREE) i++;
  if (i == w->nfds && !fd_reserve(w, i + 1)) return -1;
  w->fds[i] = (wasi_fd_t){.kind = WASI_FD_HOST, .host = host, .owned = owned,
                          .filetype = filetype, .rights = rights, .inheriting = inheriting};
  return i;
}

/* Releases slot f: the host descriptor if owned, the readdir stream, the
   preopen name. The slot becomes free. */
static void fd_release(wasi_fd_t *f) {
  if (f->dir) {
    closedir(f->dir); /* closes its own duplicate of the descriptor */
  }
  if (f->kind == WASI_FD_HOST && f->owned && f->host >= 0) close(f->host);
  free(f->preopen);
  *f = (wasi_fd_t){0};
}

void wasi_fd_free_all(wasi_t *w) {
  for (uint32_t i = 0; i < w->nfds; i++)
    if (w->fds[i].kind != WASI_FD_FREE) fd_release(&w->fds[i]);
  free(w->fds);
  w->fds = NULL;
  w->nfds = 0;
}

uint8_t wasi_filetype(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
  default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
  }
}

/* {====================== Guest functions ======================} */

/* fd_close(fd) */
uint16_t wasi_fd_close(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), 0, &err);
  if (f) fd_release(f);
  return err;
}

/* fd_renumber(from, to): moves from over to, closing what to was. */
uint16_t wasi_fd_renumber(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *from = wasi_fd_get(w, wasi_u32(a, 0), 0, &err);
  if (!from) return err;
  wasi_fd_t *to = wasi_fd_get(w, wasi_u32(a, 1), 0, &err);
  if (!to) return err;
  if (from == to) return WASI_ESUCCESS;
  fd_release(to);
  *to = *from;
  *from = (wasi_fd_t){0};
  return WASI_ESUCCESS;
}

/* fd_fdstat_get(fd, *fdstat) */
uint16_t wasi_fd_fdstat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), 0, &err);
  if (!f) return err;
  uint32_t p = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, p, WASI_SIZEOF_FDSTAT)) return WASI_EFAULT;
  uint16_t flags = f->fdflags;
  int fl = f->kind == WASI_FD_HOST ? fcntl(f->host, F_GETFL) : -1;
  if (fl >= 0) { /* the host's view wins: flags may have been set by others */
    flags &= (uint16_t)~(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK);
    if (fl & O_APPEND) flags |= WASI_FDFLAG_APPEND;
    if (fl & O_NONBLOCK) flags |= WASI_FDFLAG_NONBLOCK;
  }
  memset(wasi_mem_at(m, p), 0, WASI_SIZEOF_FDSTAT);
  wasi_store_u8(m, p, f->filetype);
  wasi_store_u16(m, p + 2, flags);
  wasi_store_u64(m, p + 8, f->rights);
  wasi_store_u64(m, p + 16, f->inheriting);
  return WASI_ESUCCESS;
}

/* fd_fdstat_set_flags(fd, flags): APPEND and NONBLOCK can change; the
   synchronous-I/O flags cannot be changed on an open descriptor. */
uint16_t wasi_fd_fdstat_set_flags(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &err);
  if (!f) return err;
  uint32_t want = wasi_u32(a, 1) & 0xffff;
  if (want & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK)) return WASI_ENOTSUP;
  if ((want & WASI_FDFLAG_APPEND) && !(f->rights & WASI_RIGHT_FD_WRITE))
    return WASI_ENOTCAPABLE;
  if (wasi_fd_is_mem(f)) { /* a pipe in memory: appends anyway, never blocks */
    f->fdflags = (uint16_t)want;
    return WASI_ESUCCESS;
  }
  int fl = fcntl(f->host, F_GETFL);
  if (fl < 0) return wasi_errno(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (want & WASI_FDFLAG_APPEND) fl |= O_APPEND;
  if (want & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fcntl(f->host, F_SETFL, fl) < 0) return wasi_errno(errno);
  f->fdflags = (uint16_t)want;
  return WASI_ESUCCESS;
}

/* fd_fdstat_set_rights(fd, base, inheriting): rights may only be dropped. */
uint16_t wasi_fd_fdstat_set_rights(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), 0, &err);
  if (!f) return err;
  uint64_t base = wasi_u64(a, 1), inh = wasi_u64(a, 2);
  if ((base & ~f->rights) || (inh & ~f->inheriting)) return WASI_ENOTCAPABLE;
  f->rights = base;
  f->inheriting = inh;
  return WASI_ESUCCESS;
}

/* fd_prestat_get(fd, *prestat): EBADF for anything but a preopen, which
   is how wasi-libc finds the end of the preopens at start-up. */
uint16_t wasi_fd_prestat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), 0, &err);
  if (!f) return err;
  if (!f->preopen) return WASI_EBADF;
  uint32_t p = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, p, WASI_SIZEOF_PRESTAT)) return WASI_EFAULT;
  memset(wasi_mem_at(m, p), 0, WASI_SIZEOF_PRESTAT);
  wasi_store_u32(m, p + 4, (uint32_t)strlen(f->preopen)); /* tag 0: directory */
  return WASI_ESUCCESS;
}

/* fd_prestat_dir_name(fd, buf, len): the name without a terminator. */
uint16_t wasi_fd_prestat_dir_name(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), 0, &err);
  if (!f) return err;
  if (!f->preopen) return WASI_EBADF;
  uint32_t p = wasi_u32(a, 1), len = wasi_u32(a, 2);
  size_t n = strlen(f->preopen);
  if (len < n) return WASI_ENAMETOOLONG;
  if (!wasi_mem_ok(m, p, n)) return WASI_EFAULT;
  memcpy(wasi_mem_at(m, p), f->preopen, n);
  return WASI_ESUCCESS;
}
