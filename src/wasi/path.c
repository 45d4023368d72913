/* SPDX-License-Identifier: Apache-2.0 */
/*
** Sandboxed path resolution.
**
** A guest path is never handed to the host as a string. It is walked one
** component at a time from the preopened directory's descriptor:
**
**   - each intermediate directory is opened with
**     openat(parent, component, O_PATH|O_DIRECTORY|O_NOFOLLOW), so the
**     kernel itself refuses to follow a symlink there;
**   - a component that is a symlink is read with readlinkat and its target
**     spliced in front of the rest of the path, to be walked the same way
**     (absolute targets are refused; at most WASI_MAX_SYMLINKS links);
**   - `..` pops our own stack of open directories and fails with
**     ENOTCAPABLE at the root: the host's `..` is never used;
**   - absolute guest paths fail with ENOTCAPABLE.
**
** What comes back is an open descriptor of the last directory plus the
** final component's name; the caller acts with *at() calls and
** AT_SYMLINK_NOFOLLOW / O_NOFOLLOW. A symlink swapped in at any moment is
** therefore either seen and checked by us, or refused by the kernel: there
** is no window between a check and a use.
*/
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

#define WASI_MAX_SYMLINKS 40 /* as Linux's MAXSYMLINKS */
#define WASI_MAX_DEPTH 256   /* directories open at once during a walk */
#define WASI_PATH_MAX 4096   /* guest path, and path after splicing links */

/* The state of one walk. */
typedef struct walk {
  int stack[WASI_MAX_DEPTH + 1]; /* stack[0]: the starting directory */
  uint32_t top;
  char rest[WASI_PATH_MAX + 1]; /* what is left to walk */
  size_t pos, len;
  unsigned links; /* symlinks followed so far */
} walk_t;

static void walk_unwind(walk_t *wk, uint32_t keep) {
  while (wk->top > keep) close(wk->stack[wk->top--]);
}

/* Takes the next component out of rest into name (NUL-terminated).
   Returns false when only slashes are left. *last is true when no
   component follows. */
static bool next_component(walk_t *wk, char *name, size_t *nlen, bool *last) {
  while (wk->pos < wk->len && wk->rest[wk->pos] == '/') wk->pos++;
  if (wk->pos == wk->len) return false;
  size_t start = wk->pos;
  while (wk->pos < wk->len && wk->rest[wk->pos] != '/') wk->pos++;
  *nlen = wk->pos - start;
  if (*nlen < 256) {
    memcpy(name, wk->rest + start, *nlen);
    name[*nlen] = '\0';
  }
  size_t p = wk->pos;
  while (p < wk->len && wk->rest[p] == '/') p++;
  *last = p == wk->len;
  return true;
}

/* If `name` in the current directory is a symlink, splices its target in
   front of the unwalked rest and returns ESUCCESS with *spliced true.
   Not a symlink: ESUCCESS, *spliced false. */
static uint16_t splice_link(walk_t *wk, const char *name, bool *spliced) {
  *spliced = false;
  char target[WASI_PATH_MAX + 1];
  ssize_t n = readlinkat(wk->stack[wk->top], name, target, sizeof target);
  if (n < 0) return errno == EINVAL ? WASI_ESUCCESS : wasi_errno(errno);
  if ((size_t)n > WASI_PATH_MAX) return WASI_ENAMETOOLONG;
  if (++wk->links > WASI_MAX_SYMLINKS) return WASI_ELOOP;
  if (n == 0) return WASI_ENOENT;
  if (target[0] == '/') return WASI_ENOTCAPABLE; /* would leave the sandbox */
  size_t tail = wk->len - wk->pos;
  if ((size_t)n + 1 + tail > WASI_PATH_MAX) return WASI_ENAMETOOLONG;
  /* rest = target + "/" + tail; the tail moves first as it may overlap. */
  memmove(wk->rest + n + 1, wk->rest + wk->pos, tail);
  memcpy(wk->rest, target, (size_t)n);
  wk->rest[n] = '/';
  wk->len = (size_t)n + 1 + tail;
  wk->pos = 0;
  *spliced = true;
  return WASI_ESUCCESS;
}

/* Steps into directory `name` (not the last component). A symlink there
   is spliced instead; anything else that is not a directory is ENOTDIR. */
static uint16_t step_into(walk_t *wk, const char *name) {
  for (;;) {
    int fd = openat(wk->stack[wk->top], name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      if (wk->top == WASI_MAX_DEPTH) {
        close(fd);
        return WASI_ENAMETOOLONG;
      }
      wk->stack[++wk->top] = fd;
      return WASI_ESUCCESS;
    }
    int open_errno = errno;
    if (open_errno != ELOOP && open_errno != ENOTDIR) return wasi_errno(open_errno);
    bool spliced;
    uint16_t err = splice_link(wk, name, &spliced);
    if (err || spliced) return err;
    if (open_errno == ENOTDIR) return WASI_ENOTDIR;
    /* It was a symlink for openat and is not one now: it changed under
       us. Try again, counting the attempt against the symlink budget. */
    if (++wk->links > WASI_MAX_SYMLINKS) return WASI_ELOOP;
  }
}

/* Loads the guest path into the walk, rejecting what is never valid. */
static uint16_t walk_load(walk_t *wk, const wasi_mem_t *m, uint32_t ptr, uint32_t len) {
  if (!wasi_mem_ok(m, ptr, len)) return WASI_EFAULT;
  if (len == 0) return WASI_ENOENT;
  if (len > WASI_PATH_MAX) return WASI_ENAMETOOLONG;
  const char *src = (const char *)wasi_mem_at(m, ptr);
  if (memchr(src, '\0', len)) return WASI_EINVAL; /* the host would cut it short */
  if (src[0] == '/') return WASI_ENOTCAPABLE;
  memcpy(wk->rest, src, len);
  wk->len = len;
  wk->pos = 0;
  return WASI_ESUCCESS;
}

/* Walks the loaded path; on success out->name is the last component. */
static uint16_t walk_run(walk_t *wk, bool follow, wasi_path_t *out) {
  char name[256];
  size_t nlen;
  bool last;
  for (;;) {
    if (!next_component(wk, name, &nlen, &last)) {
      strcpy(out->name, "."); /* "a/." or "a/.." ended the path */
      return WASI_ESUCCESS;
    }
    if (nlen > 255) return WASI_ENAMETOOLONG;
    if (strcmp(name, ".") == 0) continue;
    if (strcmp(name, "..") == 0) {
      if (wk->top == 0) return WASI_ENOTCAPABLE; /* above the granted root */
      close(wk->stack[wk->top--]);
      continue;
    }
    uint16_t err;
    if (!last) {
      if ((err = step_into(wk, name))) return err;
      continue;
    }
    if (follow || out->trailing_slash) {
      bool spliced;
      if ((err = splice_link(wk, name, &spliced))) {
        if (err != WASI_ENOENT || wk->links > WASI_MAX_SYMLINKS) return err;
        spliced = false; /* a missing last component: the caller may create it */
      }
      if (spliced) continue;
    }
    memcpy(out->name, name, nlen + 1);
    return WASI_ESUCCESS;
  }
}

uint16_t wasi_path_resolve(const wasi_mem_t *m, const wasi_fd_t *dir, uint32_t ptr,
                           uint32_t len, bool follow, wasi_path_t *out) {
  *out = (wasi_path_t){.dirfd = -1};
  if (dir->filetype != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
  walk_t *wk = ut_malloc(sizeof *wk);
  wk->top = 0;
  wk->links = 0;
  wk->stack[0] = dir->host;
  uint16_t err = walk_load(wk, m, ptr, len);
  if (!err) {
    out->trailing_slash = wk->rest[wk->len - 1] == '/';
    err = walk_run(wk, follow, out);
  }
  if (err) {
    walk_unwind(wk, 0);
  } else {
    /* Keep only the last directory; the ones above it are not needed. */
    int keep = wk->stack[wk->top];
    uint32_t top = wk->top;
    if (top > 0) wk->top--; /* hide it from the unwind */
    walk_unwind(wk, 0);
    out->dirfd = keep;
    out->dirfd_owned = top > 0;
    out->depth = top;
  }
  free(wk);
  return err;
}

void wasi_path_release(wasi_path_t *p) {
  if (p->dirfd_owned && p->dirfd >= 0) close(p->dirfd);
  p->dirfd = -1;
  p->dirfd_owned = false;
}

bool wasi_link_target_ok(const char *target, size_t len, uint32_t depth) {
  if (len == 0 || target[0] == '/') return false;
  int64_t d = depth;
  size_t i = 0;
  while (i < len) {
    size_t s = i;
    while (i < len && target[i] != '/') i++;
    size_t n = i - s;
    if (n == 2 && target[s] == '.' && target[s + 1] == '.') {
      if (--d < 0) return false;
    } else if (n > 0 && !(n == 1 && target[s] == '.')) {
      d++;
    }
    while (i < len && target[i] == '/') i++;
  }
  return true;
}
