/* SPDX-License-Identifier: Apache-2.0 */
/*
** Internals of the WASI preview1 provider (prefix wasi_).
**
** Files, by concern:
**   wasi.c          configuration, wb_wasi_new/delete, the import table,
**                   linking to a state or to the thread's current one,
**                   args/environ, proc_exit, sched_yield, unsupported calls
**   mem.c           bounds-checked guest memory access, host errno mapping
**   stream.c        memory-backed stdio: stdin from bytes, stdout and
**                   stderr through write callbacks
**   strs.c          argv and environment lists
**   fd.c            the descriptor table, rights, fd_close/renumber/fdstat/
**                   prestat
**   fs.c            operations on open descriptors (read, write, seek, stat,
**                   readdir, ...)
**   path.c          sandboxed path resolution
**   path_ops.c      path_* functions
**   clock_random.c  clocks and random_get
**   poll.c          poll_oneoff
**
** Every guest-facing function has the type wasi_impl_t: it reads its
** arguments, touches guest memory only through wasi_mem_t and returns a
** WASI errno, which the shared callback stores as the i32 result.
*/
#ifndef WB_WASI_INT_H
#define WB_WASI_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "wasmbox.h"
#include "wasmbox_wasi.h"

/* Guest structures are little-endian, like the hosts we build for; the
   loads and stores below copy bytes as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian host required");

/* {====================== ABI constants (wasi/api.h) ======================} */

enum {
  WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
  WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7,
  WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10, WASI_ECANCELED = 11,
  WASI_ECHILD = 12, WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14,
  WASI_ECONNRESET = 15, WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17, WASI_EDOM = 18,
  WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22,
  WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26,
  WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30,
  WASI_EISDIR = 31, WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34,
  WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37,
  WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40, WASI_ENFILE = 41,
  WASI_ENOBUFS = 42, WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45,
  WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48, WASI_ENOMSG = 49,
  WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53,
  WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55, WASI_ENOTRECOVERABLE = 56,
  WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59, WASI_ENXIO = 60,
  WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
  WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67,
  WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71,
  WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
  WASI_ENOTCAPABLE = 76,
};

/* Rights (64-bit mask). */
#define WASI_R(bit) ((uint64_t)1 << (bit))
#define WASI_RIGHT_FD_DATASYNC WASI_R(0)
#define WASI_RIGHT_FD_READ WASI_R(1)
#define WASI_RIGHT_FD_SEEK WASI_R(2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS WASI_R(3)
#define WASI_RIGHT_FD_SYNC WASI_R(4)
#define WASI_RIGHT_FD_TELL WASI_R(5)
#define WASI_RIGHT_FD_WRITE WASI_R(6)
#define WASI_RIGHT_FD_ADVISE WASI_R(7)
#define WASI_RIGHT_FD_ALLOCATE WASI_R(8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY WASI_R(9)
#define WASI_RIGHT_PATH_CREATE_FILE WASI_R(10)
#define WASI_RIGHT_PATH_LINK_SOURCE WASI_R(11)
#define WASI_RIGHT_PATH_LINK_TARGET WASI_R(12)
#define WASI_RIGHT_PATH_OPEN WASI_R(13)
#define WASI_RIGHT_FD_READDIR WASI_R(14)
#define WASI_RIGHT_PATH_READLINK WASI_R(15)
#define WASI_RIGHT_PATH_RENAME_SOURCE WASI_R(16)
#define WASI_RIGHT_PATH_RENAME_TARGET WASI_R(17)
#define WASI_RIGHT_PATH_FILESTAT_GET WASI_R(18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE WASI_R(19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES WASI_R(20)
#define WASI_RIGHT_FD_FILESTAT_GET WASI_R(21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE WASI_R(22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES WASI_R(23)
#define WASI_RIGHT_PATH_SYMLINK WASI_R(24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY WASI_R(25)
#define WASI_RIGHT_PATH_UNLINK_FILE WASI_R(26)
#define WASI_RIGHT_POLL_FD_READWRITE WASI_R(27)
#define WASI_RIGHT_SOCK_SHUTDOWN WASI_R(28)
#define WASI_RIGHT_SOCK_ACCEPT WASI_R(29)
#define WASI_RIGHTS_ALL (WASI_R(30) - 1)

/* Rights that only read: what a read-only grant keeps. */
#define WASI_RIGHTS_READ_ONLY                                                     \
  (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL |                 \
   WASI_RIGHT_FD_ADVISE | WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR |           \
   WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_FILESTAT_GET |                      \
   WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE |                    \
   WASI_RIGHT_FD_FDSTAT_SET_FLAGS)
/* Rights that make the host descriptor need write access. */
#define WASI_RIGHTS_WRITE_FD                                                      \
  (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE | \
   WASI_RIGHT_FD_DATASYNC)

enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };
enum {
  WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1,
  WASI_FILETYPE_CHARACTER_DEVICE = 2, WASI_FILETYPE_DIRECTORY = 3,
  WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};
enum {
  WASI_FDFLAG_APPEND = 1, WASI_FDFLAG_DSYNC = 2, WASI_FDFLAG_NONBLOCK = 4,
  WASI_FDFLAG_RSYNC = 8, WASI_FDFLAG_SYNC = 16,
};
enum { WASI_OFLAG_CREAT = 1, WASI_OFLAG_DIRECTORY = 2, WASI_OFLAG_EXCL = 4, WASI_OFLAG_TRUNC = 8 };
enum { WASI_LOOKUP_SYMLINK_FOLLOW = 1 };
enum {
  WASI_FST_ATIM = 1, WASI_FST_ATIM_NOW = 2, WASI_FST_MTIM = 4, WASI_FST_MTIM_NOW = 8,
};
enum { WASI_CLOCK_REALTIME = 0, WASI_CLOCK_MONOTONIC = 1, WASI_CLOCK_PROCESS = 2, WASI_CLOCK_THREAD = 3 };
enum { WASI_EVENT_CLOCK = 0, WASI_EVENT_FD_READ = 1, WASI_EVENT_FD_WRITE = 2 };
enum { WASI_SUBCLOCK_ABSTIME = 1, WASI_EVENTRW_HANGUP = 1 };

/* Sizes of guest structures. */
enum {
  WASI_SIZEOF_IOVEC = 8, WASI_SIZEOF_FDSTAT = 24, WASI_SIZEOF_FILESTAT = 64,
  WASI_SIZEOF_PRESTAT = 8, WASI_SIZEOF_DIRENT = 24, WASI_SIZEOF_SUBSCRIPTION = 48,
  WASI_SIZEOF_EVENT = 32,
};

/* {====================== State ======================} */

/* What is behind a guest descriptor. A zeroed slot is free. */
enum {
  WASI_FD_FREE = 0,
  WASI_FD_HOST,   /* a host descriptor */
  WASI_FD_INPUT,  /* bytes in memory, read front to back (stdin) */
  WASI_FD_OUTPUT, /* a write callback (stdout, stderr) */
};

/* One guest descriptor. Memory-backed ones (INPUT, OUTPUT) keep host at
   -1, so a host call that slipped through would fail with EBADF rather
   than act on a real descriptor. */
typedef struct wasi_fd {
  uint8_t kind;         /* WASI_FD_* */
  bool owned;           /* closed by wasmbox (false for borrowed stdio) */
  uint8_t filetype;     /* WASI_FILETYPE_* */
  uint16_t fdflags;     /* WASI_FDFLAG_* as last set */
  int host;             /* host descriptor (HOST), else -1 */
  uint64_t rights;      /* rights_base */
  uint64_t inheriting;  /* rights_inheriting */
  char *preopen;        /* guest name of a preopened directory, else NULL */
  void *dir;            /* DIR * for fd_readdir, opened lazily */
  union {
    struct {
      const uint8_t *data; /* borrowed from the embedder */
      size_t len, pos;
    } in;
    struct {
      wb_wasi_write_fn fn; /* NULL: output discarded */
      void *env;
    } out;
  } mem;
} wasi_fd_t;

/* A list of strings (argv, or the environment as NAME=VALUE) stored back
   to back in one buffer (strs.c). */
typedef struct wasi_str {
  size_t off;    /* where the string starts in the buffer */
  size_t len;    /* its length, without the NUL */
  size_t keylen; /* environment lists: the name's length */
} wasi_str_t;

typedef struct wasi_strs {
  char *buf;           /* the strings, each NUL-terminated */
  size_t used, bufcap; /* bytes used in buf (replaced entries included) */
  size_t bytes;        /* bytes of the list's strings, NULs included */
  wasi_str_t *e;
  size_t n, cap;
} wasi_strs_t;

/* A preopen waiting in the configuration. */
typedef struct wasi_preopen {
  int host;
  char *guest;
  bool read_only;
} wasi_preopen_t;

/* What the configuration puts behind guest descriptor 0, 1 or 2. */
typedef struct wasi_stdio {
  uint8_t kind; /* WASI_FD_HOST (host < 0: closed), INPUT or OUTPUT */
  int host;
  const uint8_t *data; /* INPUT */
  size_t len;
  wb_wasi_write_fn fn; /* OUTPUT */
  void *env;
} wasi_stdio_t;

struct wb_wasi_config {
  wasi_strs_t args;
  wasi_strs_t env;  /* "NAME=VALUE", names unique */
  bool inherit_env;
  bool clocks, random;
  uint64_t wait_limit_ns; /* UINT64_MAX: none */
  wasi_stdio_t stdio[3];
  wasi_preopen_t *pre;
  size_t npre, cappre;
};

/* One binding of an import: the env pointer its host function receives. */
typedef struct wasi_bind {
  struct wb_wasi *wasi;
  const struct wasi_fn *fn;
} wasi_bind_t;

struct wb_wasi {
  wasi_strs_t args, env;
  bool clocks, random;
  uint64_t wait_until; /* poll_oneoff blocks until this CLOCK_MONOTONIC
                          time at most; UINT64_MAX: no bound */
  wasi_fd_t *fds;
  uint32_t nfds; /* slots in fds (free ones are zeroed: WASI_FD_FREE) */
  wasi_bind_t *binds;
};
typedef struct wb_wasi wasi_t;

/* Guest linear memory as seen by one call, and that call's way out: an
   implementation that must end the guest (an output callback refused the
   bytes, a wait passed the limit) leaves an owned trap here and the
   shared callback raises it. */
typedef struct wasi_mem {
  uint8_t *base;
  uint64_t size; /* bytes; 0 when the caller has no memory */
  wb_trap_t *trap;
} wasi_mem_t;

typedef uint16_t (*wasi_impl_t)(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);

/* One import: name, signature ("iiI" = i32 i32 i64 params; result i32
   unless noreturn), implementation. */
typedef struct wasi_fn {
  const char *name;
  const char *params;
  wasi_impl_t impl;
} wasi_fn_t;

/* {====================== Memory (mem.c) ======================} */

/* True if [ptr, ptr+len) lies inside guest memory (64-bit arithmetic). */
static inline bool wasi_mem_ok(const wasi_mem_t *m, uint32_t ptr, uint64_t len) {
  return (uint64_t)ptr + len <= m->size;
}
/* Host address of guest ptr; only after wasi_mem_ok. */
static inline uint8_t *wasi_mem_at(const wasi_mem_t *m, uint32_t ptr) {
  return m->base + ptr;
}
/* Checked stores and loads: false (nothing written) when out of bounds. */
bool wasi_store_u8(wasi_mem_t *m, uint32_t ptr, uint8_t v);
bool wasi_store_u16(wasi_mem_t *m, uint32_t ptr, uint16_t v);
bool wasi_store_u32(wasi_mem_t *m, uint32_t ptr, uint32_t v);
bool wasi_store_u64(wasi_mem_t *m, uint32_t ptr, uint64_t v);
bool wasi_load_u32(const wasi_mem_t *m, uint32_t ptr, uint32_t *v);
bool wasi_load_u64(const wasi_mem_t *m, uint32_t ptr, uint64_t *v);

/* Host errno -> WASI errno. */
uint16_t wasi_errno(int host_errno);

/* Argument accessors for wb_val_t args. */
static inline uint32_t wasi_u32(const wb_val_t *a, size_t i) { return (uint32_t)a[i].of.i32; }
static inline uint64_t wasi_u64(const wb_val_t *a, size_t i) { return (uint64_t)a[i].of.i64; }

/* Host iovecs for guest iovecs at iovs (count n); at most WASI_IOV_MAX are
   used (a short read or write is allowed). Returns an errno; *out is
   ut_malloc'd on success (free it). */
#define WASI_IOV_MAX 1024
uint16_t wasi_iovecs(const wasi_mem_t *m, uint32_t iovs, uint32_t n, struct iovec **out,
                     int *count);

/* {====================== String lists (strs.c) ======================} */

/* Appends a copy of len bytes at s. */
void wasi_strs_add(wasi_strs_t *l, const char *s, size_t len);
/* Sets NAME=VALUE in an environment list, replacing (in place) an entry
   with the same name. */
void wasi_strs_set_env(wasi_strs_t *l, const char *name, size_t nlen, const char *value,
                       size_t vlen);
void wasi_strs_free(wasi_strs_t *l);
/* String i of the list. */
static inline const char *wasi_strs_at(const wasi_strs_t *l, size_t i) {
  return l->buf + l->e[i].off;
}

/* {====================== Descriptors (fd.c) ======================} */

/* The descriptor fd if it is open and has every right in need, else NULL
   with *err set (EBADF, or ENOTCAPABLE). */
wasi_fd_t *wasi_fd_get(wasi_t *w, uint32_t fd, uint64_t need, uint16_t *err);
/* Installs a host descriptor in the lowest free slot from 3 up (0-2 are
   stdio's). Returns the guest number, or -1 if the table is full. */
int64_t wasi_fd_add(wasi_t *w, int host, bool owned, uint8_t filetype, uint64_t rights,
                    uint64_t inheriting);
/* Installs *f as guest descriptor slot (stdio). */
void wasi_fd_put(wasi_t *w, uint32_t slot, const wasi_fd_t *f);
/* Closes every descriptor and frees the table. */
void wasi_fd_free_all(wasi_t *w);
/* WASI filetype of a host st_mode. */
uint8_t wasi_filetype(unsigned mode);

uint16_t wasi_fd_close(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_renumber(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_fdstat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_fdstat_set_flags(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_fdstat_set_rights(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_prestat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_prestat_dir_name(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);

/* {====================== Memory-backed descriptors (stream.c) ======================} */

/* True when the descriptor's bytes live in memory, not behind a host
   descriptor: stdin given as bytes, stdout or stderr given as a callback.
   They behave as pipes: no position (ESPIPE), no host metadata. */
static inline bool wasi_fd_is_mem(const wasi_fd_t *f) {
  return f->kind == WASI_FD_INPUT || f->kind == WASI_FD_OUTPUT;
}
/* fd_read or fd_write on a memory-backed descriptor: moves the bytes of
   the guest iovecs at iovs (count n) and stores the count at out. A
   refusing callback leaves its trap in m->trap. Returns an errno. */
uint16_t wasi_stream_transfer(wasi_fd_t *f, wasi_mem_t *m, uint32_t iovs, uint32_t n,
                              uint32_t out);
/* What poll_oneoff reports for a memory-backed descriptor, which is
   always ready: the bytes left to read, and whether input is at its end. */
uint64_t wasi_stream_available(const wasi_fd_t *f, bool *hangup);
/* fd_filestat_get on a memory-backed descriptor (no host file: zeros but
   the type); false when out is outside guest memory. */
bool wasi_stream_filestat(wasi_mem_t *m, uint32_t out, const wasi_fd_t *f);

/* {====================== File operations (fs.c) ======================} */

/* Writes a host struct stat as a WASI filestat at ptr. */
struct stat;
bool wasi_store_filestat(wasi_mem_t *m, uint32_t ptr, const struct stat *st);
/* Converts WASI times and fstflags to a timespec pair for utimensat. */
struct timespec;
uint16_t wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

uint16_t wasi_fd_read(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_write(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_pread(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_pwrite(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_seek(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_tell(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_sync(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_datasync(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_advise(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_allocate(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_filestat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_filestat_set_size(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_filestat_set_times(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_fd_readdir(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);

/* {====================== Paths (path.c) ======================} */

/* Where a guest path ends up: the host directory holding its last
   component, and that component's name ("." when the path names a
   directory reached by "." or ".."). dirfd is owned unless it is the
   starting descriptor (release with wasi_path_release). */
typedef struct wasi_path {
  int dirfd;
  bool dirfd_owned;
  bool trailing_slash; /* the path ended in '/': it must be a directory */
  uint32_t depth;      /* directories below the preopen root */
  char name[256];
} wasi_path_t;

/* Resolves the guest path at [ptr, ptr+len) relative to directory
   descriptor dir. follow: whether a symlink as last component is
   followed (inside the sandbox only). Returns an errno. */
uint16_t wasi_path_resolve(const wasi_mem_t *m, const wasi_fd_t *dir, uint32_t ptr,
                           uint32_t len, bool follow, wasi_path_t *out);
void wasi_path_release(wasi_path_t *p);
/* True when the relative symlink target text, placed depth directories
   below the root, never climbs above the root. */
bool wasi_link_target_ok(const char *target, size_t len, uint32_t depth);

/* {====================== Path operations (path_ops.c) ======================} */

uint16_t wasi_path_open(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_create_directory(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_remove_directory(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_unlink_file(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_rename(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_filestat_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_filestat_set_times(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_symlink(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_readlink(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_path_link(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);

/* {====================== Clocks, random, poll ======================} */

/* Reads WASI clock id into *ns; an errno (EINVAL for an unknown id). */
uint16_t wasi_clock_now(uint32_t id, uint64_t *ns);
uint16_t wasi_clock_res_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_clock_time_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_random_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);
uint16_t wasi_poll_oneoff(wasi_t *w, wasi_mem_t *m, const wb_val_t *a);

#endif
