/* SPDX-License-Identifier: Apache-2.0 */
/*
** Operations on open descriptors: reads and writes (straight between the
** host descriptor and guest memory, after every buffer is bounds-checked),
** seeking, syncing, metadata and directory listing.
**
** Output pointers are checked before the host call, so a bad pointer
** fails with EFAULT without side effects.
*/
#define _GNU_SOURCE /* d_off in struct dirent, preadv/pwritev */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

static uint64_t ts_ns(struct timespec t) {
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

bool wasi_store_filestat(wasi_mem_t *m, uint32_t p, const struct stat *st) {
  if (!wasi_mem_ok(m, p, WASI_SIZEOF_FILESTAT)) return false;
  memset(wasi_mem_at(m, p), 0, WASI_SIZEOF_FILESTAT);
  wasi_store_u64(m, p, (uint64_t)st->st_dev);
  wasi_store_u64(m, p + 8, (uint64_t)st->st_ino);
  wasi_store_u8(m, p + 16, wasi_filetype(st->st_mode));
  wasi_store_u64(m, p + 24, (uint64_t)st->st_nlink);
  wasi_store_u64(m, p + 32, (uint64_t)st->st_size);
  wasi_store_u64(m, p + 40, ts_ns(st->st_atim));
  wasi_store_u64(m, p + 48, ts_ns(st->st_mtim));
  wasi_store_u64(m, p + 56, ts_ns(st->st_ctim));
  return true;
}

/* One of the two timestamps: explicit, now, or left alone; both bits is
   a contradiction. */
static uint16_t one_time(uint64_t t, bool set, bool now, struct timespec *ts) {
  if (set && now) return WASI_EINVAL;
  if (now) {
    ts->tv_sec = 0;
    ts->tv_nsec = UTIME_NOW;
  } else if (set) {
    ts->tv_sec = (time_t)(t / 1000000000u);
    ts->tv_nsec = (long)(t % 1000000000u);
  } else {
    ts->tv_sec = 0;
    ts->tv_nsec = UTIME_OMIT;
  }
  return WASI_ESUCCESS;
}

uint16_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]) {
  if (fst & ~(uint32_t)15) return WASI_EINVAL;
  uint16_t err = one_time(atim, fst & WASI_FST_ATIM, fst & WASI_FST_ATIM_NOW, &ts[0]);
  if (err) return err;
  return one_time(mtim, fst & WASI_FST_MTIM, fst & WASI_FST_MTIM_NOW, &ts[1]);
}

/* {====================== Reading and writing ======================} */

/* Shared body of fd_read/fd_write/fd_pread/fd_pwrite: a = (fd, iovs,
   iovs_len[, offset], *count). */
static uint16_t transfer(wasi_t *w, wasi_mem_t *m, const wb_val_t *a, bool write,
                         bool positioned) {
  uint64_t need = write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ;
  if (positioned) need |= WASI_RIGHT_FD_SEEK;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), need, &err);
  if (!f) return err;
  uint32_t out = wasi_u32(a, positioned ? 4 : 3);
  if (wasi_fd_is_mem(f) && positioned) return WASI_ESPIPE; /* unreachable: no FD_SEEK right */
  if (wasi_fd_is_mem(f)) return wasi_stream_transfer(f, m, wasi_u32(a, 1), wasi_u32(a, 2), out);
  if (!wasi_mem_ok(m, out, 4)) return WASI_EFAULT;
  struct iovec *iov;
  int n;
  if ((err = wasi_iovecs(m, wasi_u32(a, 1), wasi_u32(a, 2), &iov, &n))) return err;
  ssize_t r;
  if (positioned) {
    uint64_t off = wasi_u64(a, 3);
    if (off > INT64_MAX) {
      free(iov);
      return WASI_EINVAL;
    }
    r = write ? pwritev(f->host, iov, n, (off_t)off) : preadv(f->host, iov, n, (off_t)off);
  } else {
    r = write ? writev(f->host, iov, n) : readv(f->host, iov, n);
  }
  int e = errno;
  free(iov);
  if (r < 0) return wasi_errno(e);
  wasi_store_u32(m, out, (uint32_t)r); /* at most 4 GiB of guest memory moved */
  return WASI_ESUCCESS;
}

uint16_t wasi_fd_read(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return transfer(w, m, a, false, false);
}
uint16_t wasi_fd_write(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return transfer(w, m, a, true, false);
}
uint16_t wasi_fd_pread(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return transfer(w, m, a, false, true);
}
uint16_t wasi_fd_pwrite(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return transfer(w, m, a, true, true);
}

/* {====================== Position ======================} */

/* The descriptor fd for a seek or tell needing right need. A stream in
   memory has no position at all: ESPIPE, as for a host pipe, whatever
   the rights say. */
static wasi_fd_t *seekable(wasi_t *w, uint32_t fd, uint64_t need, uint16_t *err) {
  wasi_fd_t *f = wasi_fd_get(w, fd, 0, err);
  if (f && wasi_fd_is_mem(f)) {
    *err = WASI_ESPIPE;
    return NULL;
  }
  return f ? wasi_fd_get(w, fd, need, err) : NULL;
}

/* fd_seek(fd, offset, whence, *newoffset). Asking only for the current
   position needs FD_TELL rather than FD_SEEK. */
uint16_t wasi_fd_seek(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  int64_t off = a[1].of.i64;
  uint32_t whence = wasi_u32(a, 2), out = wasi_u32(a, 3);
  bool tell = off == 0 && whence == WASI_WHENCE_CUR;
  uint16_t err;
  wasi_fd_t *f = seekable(w, wasi_u32(a, 0), tell ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK, &err);
  if (!f) return err;
  static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2) return WASI_EINVAL;
  if (!wasi_mem_ok(m, out, 8)) return WASI_EFAULT;
  off_t r = lseek(f->host, (off_t)off, host_whence[whence]);
  if (r < 0) return wasi_errno(errno);
  wasi_store_u64(m, out, (uint64_t)r);
  return WASI_ESUCCESS;
}

/* fd_tell(fd, *offset) */
uint16_t wasi_fd_tell(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint16_t err;
  wasi_fd_t *f = seekable(w, wasi_u32(a, 0), WASI_RIGHT_FD_TELL, &err);
  if (!f) return err;
  uint32_t out = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, out, 8)) return WASI_EFAULT;
  off_t r = lseek(f->host, 0, SEEK_CUR);
  if (r < 0) return wasi_errno(errno);
  wasi_store_u64(m, out, (uint64_t)r);
  return WASI_ESUCCESS;
}

/* {====================== Sync, advice, allocation ======================} */

uint16_t wasi_fd_sync(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_SYNC, &err);
  if (!f) return err;
  return fsync(f->host) < 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

uint16_t wasi_fd_datasync(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_DATASYNC, &err);
  if (!f) return err;
  return fdatasync(f->host) < 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

/* fd_advise(fd, offset, len, advice) */
uint16_t wasi_fd_advise(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  static const int host_advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                    POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                    POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_ADVISE, &err);
  if (!f) return err;
  uint64_t off = wasi_u64(a, 1), len = wasi_u64(a, 2);
  uint32_t adv = wasi_u32(a, 3);
  if (adv >= UT_COUNTOF(host_advice) || off > INT64_MAX || len > INT64_MAX)
    return WASI_EINVAL;
  int e = posix_fadvise(f->host, (off_t)off, (off_t)len, host_advice[adv]);
  return e ? wasi_errno(e) : WASI_ESUCCESS;
}

/* fd_allocate(fd, offset, len) */
uint16_t wasi_fd_allocate(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_ALLOCATE, &err);
  if (!f) return err;
  uint64_t off = wasi_u64(a, 1), len = wasi_u64(a, 2);
  if (off > INT64_MAX || len > INT64_MAX || off + len > INT64_MAX) return WASI_EINVAL;
  int e = posix_fallocate(f->host, (off_t)off, (off_t)len);
  return e ? wasi_errno(e) : WASI_ESUCCESS;
}

/* {====================== Metadata ======================} */

/* fd_filestat_get(fd, *filestat) */
uint16_t wasi_fd_filestat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_FILESTAT_GET, &err);
  if (!f) return err;
  uint32_t out = wasi_u32(a, 1);
  if (wasi_fd_is_mem(f)) return wasi_stream_filestat(m, out, f) ? WASI_ESUCCESS : WASI_EFAULT;
  if (!wasi_mem_ok(m, out, WASI_SIZEOF_FILESTAT)) return WASI_EFAULT;
  struct stat st;
  if (fstat(f->host, &st) < 0) return wasi_errno(errno);
  wasi_store_filestat(m, out, &st);
  return WASI_ESUCCESS;
}

/* fd_filestat_set_size(fd, size) */
uint16_t wasi_fd_filestat_set_size(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_FILESTAT_SET_SIZE, &err);
  if (!f) return err;
  uint64_t size = wasi_u64(a, 1);
  if (size > INT64_MAX) return WASI_EINVAL;
  return ftruncate(f->host, (off_t)size) < 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

/* fd_filestat_set_times(fd, atim, mtim, fstflags) */
uint16_t wasi_fd_filestat_set_times(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)m;
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_FILESTAT_SET_TIMES, &err);
  if (!f) return err;
  struct timespec ts[2];
  if ((err = wasi_times(wasi_u64(a, 1), wasi_u64(a, 2), wasi_u32(a, 3), ts))) return err;
  return futimens(f->host, ts) < 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

/* {====================== Directory listing ======================} */

/* The WASI filetype of entry d of directory stream dir. */
static uint8_t dirent_type(DIR *dir, const struct dirent *d) {
  switch (d->d_type) {
  case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
  case DT_DIR: return WASI_FILETYPE_DIRECTORY;
  case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case DT_UNKNOWN: break;
  default: return WASI_FILETYPE_UNKNOWN;
  }
  struct stat st; /* some file systems leave the type out */
  if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) return WASI_FILETYPE_UNKNOWN;
  return wasi_filetype(st.st_mode);
}

/* Opens f's directory stream on a descriptor of its own. */
static uint16_t dir_stream(wasi_fd_t *f, DIR **out) {
  if (!f->dir) {
    int d = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0) return wasi_errno(errno);
    f->dir = fdopendir(d);
    if (!f->dir) {
      int e = errno;
      close(d);
      return wasi_errno(e);
    }
  }
  *out = f->dir;
  return WASI_ESUCCESS;
}

/* fd_readdir(fd, buf, buf_len, cookie, *bufused): fills buf with dirent
   headers and names from the cookie on. The last entry may be cut short;
   a full buffer tells the guest to ask again. Cookies are the host's
   directory offsets (d_off), 0 being the start. */
uint16_t wasi_fd_readdir(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint16_t err;
  wasi_fd_t *f = wasi_fd_get(w, wasi_u32(a, 0), WASI_RIGHT_FD_READDIR, &err);
  if (!f) return err;
  uint32_t buf = wasi_u32(a, 1), cap = wasi_u32(a, 2), out = wasi_u32(a, 4);
  uint64_t cookie = wasi_u64(a, 3);
  if (!wasi_mem_ok(m, buf, cap) || !wasi_mem_ok(m, out, 4)) return WASI_EFAULT;
  if (f->filetype != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
  DIR *dir = NULL;
  if ((err = dir_stream(f, &dir))) return err;
  if (cookie == 0)
    rewinddir(dir);
  else
    seekdir(dir, (long)cookie);
  uint32_t used = 0;
  while (used < cap) {
    errno = 0;
    struct dirent *d = readdir(dir);
    if (!d) {
      if (errno) return wasi_errno(errno);
      break;
    }
    size_t nlen = strlen(d->d_name);
    uint8_t hdr[WASI_SIZEOF_DIRENT] = {0};
    uint64_t next = (uint64_t)d->d_off, ino = (uint64_t)d->d_ino;
    uint32_t namlen = (uint32_t)nlen;
    memcpy(hdr, &next, 8);
    memcpy(hdr + 8, &ino, 8);
    memcpy(hdr + 16, &namlen, 4);
    hdr[20] = dirent_type(dir, d);
    uint32_t n = cap - used < sizeof hdr ? cap - used : (uint32_t)sizeof hdr;
    memcpy(wasi_mem_at(m, buf + used), hdr, n);
    used += n;
    n = cap - used < nlen ? cap - used : (uint32_t)nlen;
    memcpy(wasi_mem_at(m, buf + used), d->d_name, n);
    used += n;
  }
  wasi_store_u32(m, out, used);
  return WASI_ESUCCESS;
}
