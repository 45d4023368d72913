/* SPDX-License-Identifier: Apache-2.0 */
#include "server/cgiwasi.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define WASI_MODULE "wasi_snapshot_preview1"

/* WASI errno values and constants used here (wasi/api.h). */
enum {
  E_SUCCESS = 0,
  E_BADF = 8,
  E_FAULT = 21,
  E_INVAL = 28,
  E_IO = 29,
  E_NOTCAPABLE = 76,
  E_SPIPE = 70,
  E_OVERFLOW = 61,
};
enum { FILETYPE_UNKNOWN = 0 };
#define RIGHT_FD_READ (1ull << 1)
#define RIGHT_FDSTAT_SET_FLAGS (1ull << 3)
#define RIGHT_FD_WRITE (1ull << 6)
#define RIGHT_FILESTAT_GET (1ull << 21)
#define RIGHT_POLL (1ull << 27)

static _Thread_local srv_cgi_io_t *tl_io;

srv_cgi_io_t *srv_wasi_enter(srv_cgi_io_t *io) {
  srv_cgi_io_t *old = tl_io;
  tl_io = io;
  return old;
}

/* {====================== Guest memory ======================} */

typedef struct mem {
  uint8_t *base;
  uint64_t size;
} mem_t;

static bool mem_ok(const mem_t *m, uint32_t ptr, uint64_t len) {
  return (uint64_t)ptr + len <= m->size;
}

static bool put_u32(mem_t *m, uint32_t ptr, uint32_t v) {
  if (!mem_ok(m, ptr, 4)) return false;
  memcpy(m->base + ptr, &v, 4); /* little-endian host, as the engine requires */
  return true;
}

static bool put_u64(mem_t *m, uint32_t ptr, uint64_t v) {
  if (!mem_ok(m, ptr, 8)) return false;
  memcpy(m->base + ptr, &v, 8);
  return true;
}

static uint32_t arg32(const wb_val_t *a, size_t i) { return (uint32_t)a[i].of.i32; }

/* {====================== args and environ ======================} */

static const srv_strv_t empty_list;

static uint16_t list_sizes(const srv_strv_t *l, mem_t *m, const wb_val_t *a) {
  uint64_t size = 0;
  for (size_t i = 0; i < l->n; i++)
    size += strlen(l->v[i]) + 1;
  if (size > UINT32_MAX) return E_OVERFLOW;
  if (!put_u32(m, arg32(a, 0), (uint32_t)l->n) || !put_u32(m, arg32(a, 1), (uint32_t)size))
    return E_FAULT;
  return E_SUCCESS;
}

static uint16_t list_get(const srv_strv_t *l, mem_t *m, const wb_val_t *a) {
  uint32_t ptrs = arg32(a, 0), buf = arg32(a, 1);
  uint64_t size = 0;
  for (size_t i = 0; i < l->n; i++)
    size += strlen(l->v[i]) + 1;
  if (!mem_ok(m, ptrs, (uint64_t)l->n * 4) || !mem_ok(m, buf, size)) return E_FAULT;
  for (size_t i = 0; i < l->n; i++) {
    size_t n = strlen(l->v[i]) + 1;
    put_u32(m, ptrs + (uint32_t)i * 4, buf);
    memcpy(m->base + buf, l->v[i], n);
    buf += (uint32_t)n;
  }
  return E_SUCCESS;
}

static const srv_strv_t *io_args(void) { return tl_io && tl_io->args ? tl_io->args : &empty_list; }
static const srv_strv_t *io_env(void) { return tl_io && tl_io->env ? tl_io->env : &empty_list; }

static uint16_t args_sizes_get(mem_t *m, const wb_val_t *a) { return list_sizes(io_args(), m, a); }
static uint16_t args_get(mem_t *m, const wb_val_t *a) { return list_get(io_args(), m, a); }
static uint16_t environ_sizes_get(mem_t *m, const wb_val_t *a) {
  return list_sizes(io_env(), m, a);
}
static uint16_t environ_get(mem_t *m, const wb_val_t *a) { return list_get(io_env(), m, a); }

/* {====================== stdio ======================} */

/* Walks the guest iovecs at iovs; fn moves bytes for each and returns how
   many it moved (fewer than asked ends the walk). */
typedef size_t (*iov_fn_t)(srv_cgi_io_t *io, uint8_t *p, size_t n, bool *trap);

static uint16_t walk_iovs(mem_t *m, const wb_val_t *a, iov_fn_t fn, bool *trap) {
  uint32_t iovs = arg32(a, 1), n = arg32(a, 2), done_ptr = arg32(a, 3);
  if (!mem_ok(m, iovs, (uint64_t)n * 8) || !mem_ok(m, done_ptr, 4)) return E_FAULT;
  uint64_t done = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t buf, len;
    memcpy(&buf, m->base + iovs + i * 8, 4);
    memcpy(&len, m->base + iovs + i * 8 + 4, 4);
    if (!mem_ok(m, buf, len)) return E_FAULT;
    /* Without I/O (a deploy-time start function), writes are dropped. */
    size_t moved = tl_io ? fn(tl_io, m->base + buf, len, trap) : len;
    done += moved;
    if (moved < len || *trap) break;
  }
  put_u32(m, done_ptr, (uint32_t)done);
  return E_SUCCESS;
}

static size_t read_stdin(srv_cgi_io_t *io, uint8_t *p, size_t n, bool *trap) {
  (void)trap;
  size_t left = io->in_len - io->in_pos, k = n < left ? n : left;
  memcpy(p, io->in + io->in_pos, k);
  io->in_pos += k;
  return k;
}

static size_t write_stdout(srv_cgi_io_t *io, uint8_t *p, size_t n, bool *trap) {
  if (io->out.len + n > io->out_max) {
    io->out_overflow = true;
    *trap = true;
    return 0;
  }
  srv_buf_add(&io->out, p, n);
  return n;
}

/* stderr keeps its first err_max bytes and reports the rest as written. */
static size_t write_stderr(srv_cgi_io_t *io, uint8_t *p, size_t n, bool *trap) {
  (void)trap;
  size_t room = io->err.len < io->err_max ? io->err_max - io->err.len : 0;
  srv_buf_add(&io->err, p, n < room ? n : room);
  return n;
}

/* fd_read/fd_write need a trap channel for the stdout bound. */
typedef struct call {
  mem_t m;
  bool trap;
} call_t;

static uint16_t fd_read(call_t *c, const wb_val_t *a) {
  if (arg32(a, 0) != 0) return E_BADF;
  if (!tl_io) return put_u32(&c->m, arg32(a, 3), 0) ? E_SUCCESS : E_FAULT;
  return walk_iovs(&c->m, a, read_stdin, &c->trap);
}

static uint16_t fd_write(call_t *c, const wb_val_t *a) {
  uint32_t fd = arg32(a, 0);
  if (fd != 1 && fd != 2) return E_BADF;
  return walk_iovs(&c->m, a, fd == 1 ? write_stdout : write_stderr, &c->trap);
}

static uint16_t fd_fdstat_get(mem_t *m, const wb_val_t *a) {
  uint32_t fd = arg32(a, 0), p = arg32(a, 1);
  if (fd > 2) return E_BADF;
  if (!mem_ok(m, p, 24)) return E_FAULT;
  uint64_t rights = (fd == 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE) | RIGHT_FDSTAT_SET_FLAGS |
                    RIGHT_FILESTAT_GET | RIGHT_POLL;
  memset(m->base + p, 0, 24);
  m->base[p] = FILETYPE_UNKNOWN; /* a pipe: not a tty, not seekable */
  put_u64(m, p + 8, rights);
  return E_SUCCESS;
}

static uint16_t fd_filestat_get(mem_t *m, const wb_val_t *a) {
  uint32_t fd = arg32(a, 0), p = arg32(a, 1);
  if (fd > 2) return E_BADF;
  if (!mem_ok(m, p, 64)) return E_FAULT;
  memset(m->base + p, 0, 64);
  return E_SUCCESS;
}

/* Calls on stdio that succeed without doing anything. */
static uint16_t stdio_noop(mem_t *m, const wb_val_t *a) {
  (void)m;
  return arg32(a, 0) <= 2 ? E_SUCCESS : E_BADF;
}

static uint16_t stdio_nonseekable(mem_t *m, const wb_val_t *a) {
  (void)m;
  return arg32(a, 0) <= 2 ? E_SPIPE : E_BADF;
}

/* No preopened directories: fd_prestat_get ends wasi-libc's scan at 3. */
static uint16_t bad_fd(mem_t *m, const wb_val_t *a) {
  (void)m, (void)a;
  return E_BADF;
}

/* {====================== Clocks, random, the rest ======================} */

static uint16_t clock_time_get(mem_t *m, const wb_val_t *a) {
  uint32_t id = arg32(a, 0);
  struct timespec ts;
  if (id > 1) return E_INVAL; /* realtime and monotonic only */
  clock_gettime(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
  uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  return put_u64(m, arg32(a, 2), ns) ? E_SUCCESS : E_FAULT;
}

static uint16_t clock_res_get(mem_t *m, const wb_val_t *a) {
  if (arg32(a, 0) > 1) return E_INVAL;
  return put_u64(m, arg32(a, 1), 1) ? E_SUCCESS : E_FAULT;
}

static uint16_t random_get(mem_t *m, const wb_val_t *a) {
  uint32_t p = arg32(a, 0), n = arg32(a, 1);
  if (!mem_ok(m, p, n)) return E_FAULT;
  for (uint32_t done = 0; done < n;) {
    ssize_t k = getrandom(m->base + p + done, n - done, 0);
    if (k <= 0) return E_IO;
    done += (uint32_t)k;
  }
  return E_SUCCESS;
}

static uint16_t sched_yield_(mem_t *m, const wb_val_t *a) {
  (void)m, (void)a;
  return E_SUCCESS;
}

static uint16_t not_granted(mem_t *m, const wb_val_t *a) {
  (void)m, (void)a;
  return E_NOTCAPABLE;
}

/* {====================== The import table ======================} */

/* Kinds of implementation: plain (memory and args) or with a trap channel. */
typedef struct wasi_fn {
  const char *name;
  const char *params; /* i = i32, I = i64; the result is one i32 errno */
  uint16_t (*impl)(mem_t *m, const wb_val_t *a);
  uint16_t (*io_impl)(call_t *c, const wb_val_t *a);
} wasi_fn_t;

static const wasi_fn_t fns[] = {
    {"args_get", "ii", args_get, NULL},
    {"args_sizes_get", "ii", args_sizes_get, NULL},
    {"environ_get", "ii", environ_get, NULL},
    {"environ_sizes_get", "ii", environ_sizes_get, NULL},
    {"clock_res_get", "ii", clock_res_get, NULL},
    {"clock_time_get", "iIi", clock_time_get, NULL},
    {"fd_read", "iiii", NULL, fd_read},
    {"fd_write", "iiii", NULL, fd_write},
    {"fd_fdstat_get", "ii", fd_fdstat_get, NULL},
    {"fd_fdstat_set_flags", "ii", stdio_noop, NULL},
    {"fd_filestat_get", "ii", fd_filestat_get, NULL},
    {"fd_close", "i", stdio_noop, NULL},
    {"fd_sync", "i", stdio_noop, NULL},
    {"fd_datasync", "i", stdio_noop, NULL},
    {"fd_seek", "iIii", stdio_nonseekable, NULL},
    {"fd_tell", "ii", stdio_nonseekable, NULL},
    {"fd_prestat_get", "ii", bad_fd, NULL},
    {"fd_prestat_dir_name", "iii", bad_fd, NULL},
    {"random_get", "ii", random_get, NULL},
    {"sched_yield", "", sched_yield_, NULL},
};

static wb_trap_t *call_fn(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                          wb_val_t *results, size_t nresults) {
  (void)nargs, (void)nresults;
  const wasi_fn_t *fn = env;
  wb_memory_t *mem = wb_caller_memory(caller);
  call_t c = {{mem ? wb_memory_data(mem) : NULL, mem ? wb_memory_data_size(mem) : 0}, false};
  results[0].of.i32 = fn->io_impl ? fn->io_impl(&c, args) : fn->impl(&c.m, args);
  if (c.trap)
    return wb_trap_new(WB_TRAP_HOST,
                       "the response exceeds max_output (see the function's settings)");
  return NULL;
}

static wb_trap_t *proc_exit(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                            wb_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)nargs, (void)results, (void)nresults;
  return wb_trap_new_exit(args[0].of.i32);
}

static const wasi_fn_t unknown_fn = {"(not granted)", NULL, not_granted, NULL};

static const wasi_fn_t *fn_find(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
    if (strlen(fns[i].name) == len && memcmp(fns[i].name, name, len) == 0) return &fns[i];
  return NULL;
}

static char *link_error(const wb_externdesc_t *d, const char *why) {
  srv_buf_t b = {0};
  srv_buf_printf(&b, "import `%.*s`.`%.*s`: %s", (int)d->module_len, d->module, (int)d->name_len,
                 d->name, why);
  return srv_buf_take(&b);
}

/* True when type is params (as in the table) -> results i32 results. */
static bool type_is(const wb_functype_t *type, const char *params, size_t results) {
  size_t np = strlen(params);
  if (wb_functype_param_count(type) != np || wb_functype_result_count(type) != results)
    return false;
  for (size_t i = 0; i < np; i++)
    if (wb_functype_param(type, i) != (params[i] == 'I' ? WB_I64 : WB_I32)) return false;
  return results == 0 || wb_functype_result(type, 0) == WB_I32;
}

/* Defines one import d with the implementation its name selects. */
static char *link_one(wb_linker_t *linker, const wb_externdesc_t *d) {
  char name[128];
  if (d->kind != WB_EXTERN_FUNC || d->name_len >= sizeof name)
    return link_error(d, "only WASI functions can be imported");
  memcpy(name, d->name, d->name_len);
  name[d->name_len] = 0;
  bool is_exit = strcmp(name, "proc_exit") == 0;
  const wasi_fn_t *fn = is_exit ? NULL : fn_find(d->name, d->name_len);
  bool ok = is_exit ? type_is(d->functype, "i", 0)
            : fn    ? type_is(d->functype, fn->params, 1)
                    : wb_functype_result_count(d->functype) == 1 &&
                       wb_functype_result(d->functype, 0) == WB_I32;
  if (!ok) return link_error(d, "wrong type for this WASI function");
  if (!fn && !is_exit) fn = &unknown_fn;
  wb_error_t *err = wb_linker_define_func(linker, WASI_MODULE, name, d->functype,
                                          is_exit ? proc_exit : call_fn, (void *)fn, NULL);
  if (!err) return NULL;
  char *msg = link_error(d, wb_error_message(err));
  wb_error_delete(err);
  return msg;
}

char *srv_wasi_link(wb_linker_t *linker, const wb_module_t *module) {
  for (size_t i = 0; i < wb_module_import_count(module); i++) {
    wb_externdesc_t d;
    wb_module_import_get(module, i, &d);
    if (d.module_len != strlen(WASI_MODULE) || memcmp(d.module, WASI_MODULE, d.module_len) != 0)
      return link_error(&d, "only WASI (" WASI_MODULE ") can be imported");
    char *err = link_one(linker, &d);
    if (err) return err;
  }
  return NULL;
}
