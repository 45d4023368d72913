/* SPDX-License-Identifier: Apache-2.0 */
/*
** Guest memory access and errno translation for WASI.
**
** Every guest pointer is checked against the memory's current size with
** 64-bit arithmetic before it is touched; a bad one makes the call fail
** with EFAULT rather than fault in the guard region (host code must never
** rely on the guest's guard pages).
*/
#include <errno.h>
#include <stdlib.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

/* {====================== Loads and stores ======================} */

/* Copies n bytes to guest ptr if they fit. */
static bool store_bytes(wasi_mem_t *m, uint32_t ptr, const void *src, size_t n) {
  if (!wasi_mem_ok(m, ptr, n)) return false;
  memcpy(wasi_mem_at(m, ptr), src, n);
  return true;
}

bool wasi_store_u8(wasi_mem_t *m, uint32_t ptr, uint8_t v) { return store_bytes(m, ptr, &v, 1); }
bool wasi_store_u16(wasi_mem_t *m, uint32_t ptr, uint16_t v) { return store_bytes(m, ptr, &v, 2); }
bool wasi_store_u32(wasi_mem_t *m, uint32_t ptr, uint32_t v) { return store_bytes(m, ptr, &v, 4); }
bool wasi_store_u64(wasi_mem_t *m, uint32_t ptr, uint64_t v) { return store_bytes(m, ptr, &v, 8); }

bool wasi_load_u32(const wasi_mem_t *m, uint32_t ptr, uint32_t *v) {
  if (!wasi_mem_ok(m, ptr, 4)) return false;
  memcpy(v, wasi_mem_at(m, ptr), 4);
  return true;
}

bool wasi_load_u64(const wasi_mem_t *m, uint32_t ptr, uint64_t *v) {
  if (!wasi_mem_ok(m, ptr, 8)) return false;
  memcpy(v, wasi_mem_at(m, ptr), 8);
  return true;
}

/* Translates the guest's iovec array into host iovecs pointing into guest
   memory. Each buffer is checked whole, so the host never reads or writes
   outside the memory even for a partial transfer. */
uint16_t wasi_iovecs(const wasi_mem_t *m, uint32_t iovs, uint32_t n, struct iovec **out,
                     int *count) {
  if (!wasi_mem_ok(m, iovs, (uint64_t)n * WASI_SIZEOF_IOVEC)) return WASI_EFAULT;
  uint32_t use = n > WASI_IOV_MAX ? WASI_IOV_MAX : n;
  struct iovec *v = ut_malloc((use ? use : 1) * sizeof *v);
  for (uint32_t i = 0; i < use; i++) {
    uint32_t buf = 0, len = 0;
    wasi_load_u32(m, iovs + i * WASI_SIZEOF_IOVEC, &buf);
    wasi_load_u32(m, iovs + i * WASI_SIZEOF_IOVEC + 4, &len);
    if (!wasi_mem_ok(m, buf, len)) {
      free(v);
      return WASI_EFAULT;
    }
    v[i].iov_base = wasi_mem_at(m, buf);
    v[i].iov_len = len;
  }
  *out = v;
  *count = (int)use;
  return WASI_ESUCCESS;
}

/* {====================== errno ======================} */

/* Host (Linux) errno values to WASI's numbering, which is different. Codes
   with no WASI counterpart become EIO, never success. */
uint16_t wasi_errno(int e) {
  switch (e) {
  case 0: return WASI_EIO; /* a failure without a reason is still a failure */
  case E2BIG: return WASI_E2BIG;
  case EACCES: return WASI_EACCES;
  case EADDRINUSE: return WASI_EADDRINUSE;
  case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
  case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
  case EAGAIN: return WASI_EAGAIN;
  case EALREADY: return WASI_EALREADY;
  case EBADF: return WASI_EBADF;
  case EBADMSG: return WASI_EBADMSG;
  case EBUSY: return WASI_EBUSY;
  case ECANCELED: return WASI_ECANCELED;
  case ECHILD: return WASI_ECHILD;
  case ECONNABORTED: return WASI_ECONNABORTED;
  case ECONNREFUSED: return WASI_ECONNREFUSED;
  case ECONNRESET: return WASI_ECONNRESET;
  case EDEADLK: return WASI_EDEADLK;
  case EDESTADDRREQ: return WASI_EDESTADDRREQ;
  case EDOM: return WASI_EDOM;
  case EDQUOT: return WASI_EDQUOT;
  case EEXIST: return WASI_EEXIST;
  case EFAULT: return WASI_EFAULT;
  case EFBIG: return WASI_EFBIG;
  case EHOSTUNREACH: return WASI_EHOSTUNREACH;
  case EIDRM: return WASI_EIDRM;
  case EILSEQ: return WASI_EILSEQ;
  case EINPROGRESS: return WASI_EINPROGRESS;
  case EINTR: return WASI_EINTR;
  case EINVAL: return WASI_EINVAL;
  case EIO: return WASI_EIO;
  case EISCONN: return WASI_EISCONN;
  case EISDIR: return WASI_EISDIR;
  case ELOOP: return WASI_ELOOP;
  case EMFILE: return WASI_EMFILE;
  case EMLINK: return WASI_EMLINK;
  case EMSGSIZE: return WASI_EMSGSIZE;
  case EMULTIHOP: return WASI_EMULTIHOP;
  case ENAMETOOLONG: return WASI_ENAMETOOLONG;
  case ENETDOWN: return WASI_ENETDOWN;
  case ENETRESET: return WASI_ENETRESET;
  case ENETUNREACH: return WASI_ENETUNREACH;
  case ENFILE: return WASI_ENFILE;
  case ENOBUFS: return WASI_ENOBUFS;
  case ENODEV: return WASI_ENODEV;
  case ENOENT: return WASI_ENOENT;
  case ENOEXEC: return WASI_ENOEXEC;
  case ENOLCK: return WASI_ENOLCK;
  case ENOLINK: return WASI_ENOLINK;
  case ENOMEM: return WASI_ENOMEM;
  case ENOMSG: return WASI_ENOMSG;
  case ENOPROTOOPT: return WASI_ENOPROTOOPT;
  case ENOSPC: return WASI_ENOSPC;
  case ENOSYS: return WASI_ENOSYS;
  case ENOTCONN: return WASI_ENOTCONN;
  case ENOTDIR: return WASI_ENOTDIR;
  case ENOTEMPTY: return WASI_ENOTEMPTY;
  case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
  case ENOTSOCK: return WASI_ENOTSOCK;
  case ENOTSUP: return WASI_ENOTSUP; /* == EOPNOTSUPP on Linux */
  case ENOTTY: return WASI_ENOTTY;
  case ENXIO: return WASI_ENXIO;
  case EOVERFLOW: return WASI_EOVERFLOW;
  case EOWNERDEAD: return WASI_EOWNERDEAD;
  case EPERM: return WASI_EPERM;
  case EPIPE: return WASI_EPIPE;
  case EPROTO: return WASI_EPROTO;
  case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
  case EPROTOTYPE: return WASI_EPROTOTYPE;
  case ERANGE: return WASI_ERANGE;
  case EROFS: return WASI_EROFS;
  case ESPIPE: return WASI_ESPIPE;
  case ESRCH: return WASI_ESRCH;
  case ESTALE: return WASI_ESTALE;
  case ETIMEDOUT: return WASI_ETIMEDOUT;
  case ETXTBSY: return WASI_ETXTBSY;
  case EXDEV: return WASI_EXDEV;
  default: return WASI_EIO;
  }
}
