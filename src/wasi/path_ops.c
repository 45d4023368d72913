/* SPDX-License-Identifier: Apache-2.0 */
/*
** The path_* functions. Each resolves its guest path(s) with
** wasi_path_resolve (see path.c) and then acts with one *at() call on the
** returned directory and final name, never following a symlink there
** (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW): links the guest asked to follow were
** already followed, inside the sandbox, by the resolver.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* renameat */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

#define WASI_LINK_MAX 4096 /* longest symlink target written or read */

/* Looks up directory descriptor fd with rights need and resolves the path
   at (ptr, len) under it. On success the caller releases *p. */
static uint16_t dir_path(wasi_t *w, const wasi_mem_t *m, uint32_t fd, uint64_t need,
                         uint32_t ptr, uint32_t len, bool follow, wasi_path_t *p) {
  uint16_t err;
  wasi_fd_t *dir = wasi_fd_get(w, fd, need, &err);
  if (!dir) return err;
  return wasi_path_resolve(m, dir, ptr, len, follow, p);
}

/* {====================== path_open ======================} */

/* Host open(2) flags for a WASI open. The access mode follows the rights
   the new descriptor will hold, so a descriptor without write rights is
   read-only on the host as well. */
static int open_flags(uint32_t oflags, uint64_t rights, uint32_t fdflags) {
  int fl = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  bool rd = rights & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR);
  bool wr = rights & WASI_RIGHTS_WRITE_FD;
  if (oflags & WASI_OFLAG_DIRECTORY)
    fl |= O_DIRECTORY | O_RDONLY;
  else
    fl |= wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & WASI_OFLAG_CREAT) fl |= O_CREAT;
  if (oflags & WASI_OFLAG_EXCL) fl |= O_EXCL;
  if (oflags & WASI_OFLAG_TRUNC) fl |= O_TRUNC;
  if (fdflags & WASI_FDFLAG_APPEND) fl |= O_APPEND;
  if (fdflags & WASI_FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fdflags & WASI_FDFLAG_DSYNC) fl |= O_DSYNC;
  if (fdflags & WASI_FDFLAG_RSYNC) fl |= O_RSYNC;
  if (fdflags & WASI_FDFLAG_SYNC) fl |= O_SYNC;
  return fl;
}

/* Opens the resolved path; *host is the new descriptor. */
static uint16_t open_resolved(const wasi_path_t *p, int flags, int *host) {
  if (p->trailing_slash) flags |= O_DIRECTORY;
  *host = openat(p->dirfd, p->name, flags, 0666);
  return *host < 0 ? wasi_errno(errno) : WASI_ESUCCESS;
}

/* path_open(fd, dirflags, path, path_len, oflags, rights_base,
   rights_inheriting, fdflags, *fd) */
uint16_t wasi_path_open(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint32_t dirflags = wasi_u32(a, 1), oflags = wasi_u32(a, 4), fdflags = wasi_u32(a, 7);
  uint32_t out = wasi_u32(a, 8);
  if ((oflags & ~15u) || (fdflags & ~31u)) return WASI_EINVAL;
  if (!wasi_mem_ok(m, out, 4)) return WASI_EFAULT;
  uint64_t need = WASI_RIGHT_PATH_OPEN;
  if (oflags & WASI_OFLAG_CREAT) need |= WASI_RIGHT_PATH_CREATE_FILE;
  if (oflags & WASI_OFLAG_TRUNC) need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
  uint16_t err;
  wasi_fd_t *dir = wasi_fd_get(w, wasi_u32(a, 0), need, &err);
  if (!dir) return err;
  /* The new descriptor gets what was asked within what dir passes on. */
  uint64_t rights = wasi_u64(a, 5) & dir->inheriting;
  uint64_t inheriting = wasi_u64(a, 6) & dir->inheriting;
  if ((fdflags & WASI_FDFLAG_APPEND) && !(rights & WASI_RIGHT_FD_WRITE)) return WASI_ENOTCAPABLE;
  bool follow = dirflags & WASI_LOOKUP_SYMLINK_FOLLOW;
  int flags = open_flags(oflags, rights, fdflags), host = -1;
  /* A last component that turns into a symlink between resolution and
     open makes openat fail with ELOOP (O_NOFOLLOW); when following, walk
     again so that the new link is checked like any other. */
  for (int attempt = 0; attempt < 8; attempt++) {
    wasi_path_t p;
    if ((err = wasi_path_resolve(m, dir, wasi_u32(a, 2), wasi_u32(a, 3), follow, &p))) return err;
    err = open_resolved(&p, flags, &host);
    wasi_path_release(&p);
    if (err != WASI_ELOOP || !follow) break;
  }
  if (err) return err;
  struct stat st;
  if (fstat(host, &st) < 0) {
    err = wasi_errno(errno);
    close(host);
    return err;
  }
  int64_t fd = wasi_fd_add(w, host, true, wasi_filetype(st.st_mode), rights, inheriting);
  if (fd < 0) {
    close(host);
    return WASI_EMFILE;
  }
  w->fds[fd].fdflags = (uint16_t)fdflags;
  wasi_store_u32(m, out, (uint32_t)fd);
  return WASI_ESUCCESS;
}

/* {====================== Directories and unlinking ======================} */

/* path_create_directory(fd, path, path_len) */
uint16_t wasi_path_create_directory(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  wasi_path_t p;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_CREATE_DIRECTORY,
                          wasi_u32(a, 1), wasi_u32(a, 2), false, &p);
  if (err) return err;
  if (mkdirat(p.dirfd, p.name, 0777) < 0) err = wasi_errno(errno);
  wasi_path_release(&p);
  return err;
}

/* path_remove_directory(fd, path, path_len) */
uint16_t wasi_path_remove_directory(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  wasi_path_t p;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_REMOVE_DIRECTORY,
                          wasi_u32(a, 1), wasi_u32(a, 2), false, &p);
  if (err) return err;
  if (unlinkat(p.dirfd, p.name, AT_REMOVEDIR) < 0) err = wasi_errno(errno);
  wasi_path_release(&p);
  return err;
}

/* path_unlink_file(fd, path, path_len). "name/" names a directory, so it
   is never a file to unlink. */
uint16_t wasi_path_unlink_file(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  wasi_path_t p;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_UNLINK_FILE, wasi_u32(a, 1),
                          wasi_u32(a, 2), false, &p);
  if (err) return err;
  struct stat st;
  if (p.trailing_slash)
    err = fstatat(p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? wasi_errno(errno)
          : S_ISDIR(st.st_mode)                                 ? WASI_EISDIR
                                                                : WASI_ENOTDIR;
  else if (unlinkat(p.dirfd, p.name, 0) < 0)
    err = wasi_errno(errno);
  wasi_path_release(&p);
  return err;
}

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len) */
uint16_t wasi_path_rename(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  wasi_path_t from, to;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_RENAME_SOURCE, wasi_u32(a, 1),
                          wasi_u32(a, 2), false, &from);
  if (err) return err;
  err = dir_path(w, m, wasi_u32(a, 3), WASI_RIGHT_PATH_RENAME_TARGET, wasi_u32(a, 4),
                 wasi_u32(a, 5), false, &to);
  if (!err) {
    if (renameat(from.dirfd, from.name, to.dirfd, to.name) < 0) err = wasi_errno(errno);
    wasi_path_release(&to);
  }
  wasi_path_release(&from);
  return err;
}

/* {====================== Metadata ======================} */

/* path_filestat_get(fd, lookupflags, path, path_len, *filestat) */
uint16_t wasi_path_filestat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint32_t out = wasi_u32(a, 4);
  if (!wasi_mem_ok(m, out, WASI_SIZEOF_FILESTAT)) return WASI_EFAULT;
  wasi_path_t p;
  bool follow = wasi_u32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_FILESTAT_GET, wasi_u32(a, 2),
                          wasi_u32(a, 3), follow, &p);
  if (err) return err;
  struct stat st;
  if (fstatat(p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    err = wasi_errno(errno);
  else if (p.trailing_slash && !S_ISDIR(st.st_mode))
    err = WASI_ENOTDIR;
  else
    wasi_store_filestat(m, out, &st);
  wasi_path_release(&p);
  return err;
}

/* path_filestat_set_times(fd, lookupflags, path, path_len, atim, mtim,
   fstflags) */
uint16_t wasi_path_filestat_set_times(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  struct timespec ts[2];
  uint16_t err = wasi_times(wasi_u64(a, 4), wasi_u64(a, 5), wasi_u32(a, 6), ts);
  if (err) return err;
  wasi_path_t p;
  bool follow = wasi_u32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_FILESTAT_SET_TIMES, wasi_u32(a, 2),
                 wasi_u32(a, 3), follow, &p);
  if (err) return err;
  if (utimensat(p.dirfd, p.name, ts, AT_SYMLINK_NOFOLLOW) < 0) err = wasi_errno(errno);
  wasi_path_release(&p);
  return err;
}

/* {====================== Links ======================} */

/* path_symlink(old_path, old_len, fd, new_path, new_len). Targets that
   are absolute or climb above the granted root are refused: they could
   never be followed from inside, and would be traps for the host. */
uint16_t wasi_path_symlink(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint32_t tptr = wasi_u32(a, 0), tlen = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, tptr, tlen)) return WASI_EFAULT;
  if (tlen > WASI_LINK_MAX) return WASI_ENAMETOOLONG;
  const char *tsrc = (const char *)wasi_mem_at(m, tptr);
  if (memchr(tsrc, '\0', tlen)) return WASI_EINVAL;
  wasi_path_t p;
  uint16_t err = dir_path(w, m, wasi_u32(a, 2), WASI_RIGHT_PATH_SYMLINK, wasi_u32(a, 3),
                          wasi_u32(a, 4), false, &p);
  if (err) return err;
  if (!wasi_link_target_ok(tsrc, tlen, p.depth)) {
    err = tlen == 0 ? WASI_ENOENT : WASI_ENOTCAPABLE;
  } else {
    char *target = ut_strndup(tsrc, tlen);
    if (symlinkat(target, p.dirfd, p.name) < 0) err = wasi_errno(errno);
    free(target);
  }
  wasi_path_release(&p);
  return err;
}

/* path_readlink(fd, path, path_len, buf, buf_len, *bufused): the target,
   cut to buf_len, without a terminator. */
uint16_t wasi_path_readlink(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint32_t buf = wasi_u32(a, 3), cap = wasi_u32(a, 4), out = wasi_u32(a, 5);
  if (!wasi_mem_ok(m, buf, cap) || !wasi_mem_ok(m, out, 4)) return WASI_EFAULT;
  wasi_path_t p;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_READLINK, wasi_u32(a, 1),
                          wasi_u32(a, 2), false, &p);
  if (err) return err;
  char target[WASI_LINK_MAX];
  ssize_t n = readlinkat(p.dirfd, p.name, target, sizeof target);
  if (n < 0) {
    err = wasi_errno(errno);
  } else {
    uint32_t k = (uint64_t)n < cap ? (uint32_t)n : cap;
    memcpy(wasi_mem_at(m, buf), target, k);
    wasi_store_u32(m, out, k);
  }
  wasi_path_release(&p);
  return err;
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path,
   new_len): a hard link; both ends inside granted directories. */
uint16_t wasi_path_link(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  wasi_path_t from, to;
  bool follow = wasi_u32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW;
  uint16_t err = dir_path(w, m, wasi_u32(a, 0), WASI_RIGHT_PATH_LINK_SOURCE, wasi_u32(a, 2),
                          wasi_u32(a, 3), follow, &from);
  if (err) return err;
  err = dir_path(w, m, wasi_u32(a, 4), WASI_RIGHT_PATH_LINK_TARGET, wasi_u32(a, 5),
                 wasi_u32(a, 6), false, &to);
  if (!err) {
    if (linkat(from.dirfd, from.name, to.dirfd, to.name, 0) < 0) err = wasi_errno(errno);
    wasi_path_release(&to);
  }
  wasi_path_release(&from);
  return err;
}
