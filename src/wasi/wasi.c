/* SPDX-License-Identifier: Apache-2.0 */
/*
** WASI preview1: configuration, the WASI state, and the import table that
** wb_wasi_link defines in a linker. Also the small functions that need no
** file of their own: args, environ, proc_exit, sched_yield and the calls
** wasmbox does not support.
**
** Every import shares one host callback; its env is a wasi_bind_t naming
** the WASI state and the table entry, so adding a function is one line in
** the table. wb_wasi_link_current defines the same table with a callback
** that finds the state in a thread-local pointer instead (wb_wasi_enter):
** one set of imports in a template, a state per call.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

extern char **environ;

/* {====================== Configuration ======================} */

wb_wasi_config_t *wb_wasi_config_new(void) {
  wb_wasi_config_t *cfg = ut_calloc(1, sizeof *cfg);
  cfg->wait_limit_ns = UINT64_MAX;
  wb_wasi_config_set_stdio(cfg, 0, 1, 2);
  return cfg;
}

void wb_wasi_config_delete(wb_wasi_config_t *cfg) {
  if (!cfg) return;
  wasi_strs_free(&cfg->args);
  wasi_strs_free(&cfg->env);
  for (size_t i = 0; i < cfg->npre; i++) {
    close(cfg->pre[i].host);
    free(cfg->pre[i].guest);
  }
  free(cfg->pre);
  free(cfg);
}

void wb_wasi_config_set_args(wb_wasi_config_t *cfg, size_t argc, const char *const *argv) {
  wasi_strs_free(&cfg->args);
  for (size_t i = 0; i < argc; i++) wasi_strs_add(&cfg->args, argv[i], strlen(argv[i]));
}

void wb_wasi_config_set_env(wb_wasi_config_t *cfg, const char *name, const char *value) {
  wasi_strs_set_env(&cfg->env, name, strlen(name), value, strlen(value));
}

void wb_wasi_config_inherit_env(wb_wasi_config_t *cfg) { cfg->inherit_env = true; }
void wb_wasi_config_allow_clocks(wb_wasi_config_t *cfg, bool allow) { cfg->clocks = allow; }
void wb_wasi_config_allow_random(wb_wasi_config_t *cfg, bool allow) { cfg->random = allow; }

void wb_wasi_config_set_stdio(wb_wasi_config_t *cfg, int in_fd, int out_fd, int err_fd) {
  cfg->stdio[0] = (wasi_stdio_t){.kind = WASI_FD_HOST, .host = in_fd};
  cfg->stdio[1] = (wasi_stdio_t){.kind = WASI_FD_HOST, .host = out_fd};
  cfg->stdio[2] = (wasi_stdio_t){.kind = WASI_FD_HOST, .host = err_fd};
}

void wb_wasi_config_stdin_bytes(wb_wasi_config_t *cfg, const uint8_t *data, size_t len) {
  cfg->stdio[0] = (wasi_stdio_t){.kind = WASI_FD_INPUT, .host = -1, .data = data, .len = len};
}

void wb_wasi_config_stdout_fn(wb_wasi_config_t *cfg, wb_wasi_write_fn fn, void *env) {
  cfg->stdio[1] = (wasi_stdio_t){.kind = WASI_FD_OUTPUT, .host = -1, .fn = fn, .env = env};
}

void wb_wasi_config_stderr_fn(wb_wasi_config_t *cfg, wb_wasi_write_fn fn, void *env) {
  cfg->stdio[2] = (wasi_stdio_t){.kind = WASI_FD_OUTPUT, .host = -1, .fn = fn, .env = env};
}

void wb_wasi_config_wait_limit(wb_wasi_config_t *cfg, uint64_t ns) { cfg->wait_limit_ns = ns; }

wb_error_t *wb_wasi_config_preopen_dir(wb_wasi_config_t *cfg, const char *host_path,
                                       const char *guest_path, bool read_only) {
  if (!guest_path) guest_path = host_path;
  if (!*host_path || !*guest_path)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "preopen: empty directory name");
  int fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "%s: %s", host_path, strerror(errno));
  if (cfg->npre == cfg->cappre) {
    cfg->cappre = cfg->cappre ? cfg->cappre * 2 : 4;
    cfg->pre = ut_realloc(cfg->pre, cfg->cappre * sizeof *cfg->pre);
  }
  cfg->pre[cfg->npre++] = (wasi_preopen_t){
      .host = fd, .guest = ut_strndup(guest_path, strlen(guest_path)), .read_only = read_only};
  return NULL;
}

/* {====================== The WASI state ======================} */

/* Rights every stdio descriptor gets; seeking only comes with a regular
   file (wasi-libc's isatty looks for a character device without seek
   rights). */
#define WASI_RIGHTS_STDIO                                                          \
  (WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)

/* Installs a host descriptor as stdio slot; the slot stays closed when
   host is negative or not open. */
static void add_host_stdio(wasi_t *w, uint32_t slot, int host, uint64_t io_right) {
  struct stat st;
  if (host < 0 || fstat(host, &st) < 0) return;
  wasi_fd_t f = {.kind = WASI_FD_HOST, .host = host, .filetype = wasi_filetype(st.st_mode),
                 .rights = io_right | WASI_RIGHTS_STDIO};
  if (f.filetype == WASI_FILETYPE_REGULAR_FILE)
    f.rights |= WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_ADVISE;
  wasi_fd_put(w, slot, &f);
}

/* Installs what the configuration says for stdio slot. Memory-backed
   slots look like pipes: filetype unknown, no seek rights, no fstat. */
static void add_stdio(wasi_t *w, uint32_t slot, const wasi_stdio_t *s) {
  uint64_t io_right = slot == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
  if (s->kind == WASI_FD_HOST) {
    add_host_stdio(w, slot, s->host, io_right);
    return;
  }
  wasi_fd_t f = {.kind = s->kind, .host = -1, .filetype = WASI_FILETYPE_UNKNOWN,
                 .rights = io_right | WASI_RIGHTS_STDIO};
  if (s->kind == WASI_FD_INPUT) {
    f.mem.in.data = s->data;
    f.mem.in.len = s->len;
  } else {
    f.mem.out.fn = s->fn;
    f.mem.out.env = s->env;
  }
  wasi_fd_put(w, slot, &f);
}

/* Builds the environment: inherited first, explicit entries win. Without
   inherited entries the configured list (names already unique) moves as
   it is. */
static void build_env(wasi_t *w, wb_wasi_config_t *cfg) {
  if (!cfg->inherit_env) {
    w->env = cfg->env;
    cfg->env = (wasi_strs_t){0};
    return;
  }
  for (char **e = environ; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (eq) wasi_strs_set_env(&w->env, *e, (size_t)(eq - *e), eq + 1, strlen(eq + 1));
  }
  for (size_t i = 0; i < cfg->env.n; i++) {
    const char *s = wasi_strs_at(&cfg->env, i);
    const wasi_str_t *e = &cfg->env.e[i];
    wasi_strs_set_env(&w->env, s, e->keylen, s + e->keylen + 1, e->len - e->keylen - 1);
  }
}

/* The CLOCK_MONOTONIC time ns from now, saturating; UINT64_MAX for none. */
static uint64_t wait_deadline(uint64_t ns) {
  if (ns == UINT64_MAX) return UINT64_MAX;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* the vDSO: no system call */
  uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  return ns < UINT64_MAX - now ? now + ns : UINT64_MAX - 1;
}

/* Moves the configured preopens into w; false (cfg's left untouched for
   its delete) when the table is full. */
static bool add_preopens(wasi_t *w, wb_wasi_config_t *cfg) {
  for (size_t i = 0; i < cfg->npre; i++) {
    const wasi_preopen_t *p = &cfg->pre[i];
    uint64_t r = p->read_only ? WASI_RIGHTS_READ_ONLY : WASI_RIGHTS_ALL;
    int64_t fd = wasi_fd_add(w, p->host, true, WASI_FILETYPE_DIRECTORY, r, r);
    if (fd < 0) { /* 65533 preopens: refuse rather than lose one */
      memmove(cfg->pre, cfg->pre + i, (cfg->npre - i) * sizeof *cfg->pre);
      cfg->npre -= i;
      return false;
    }
    w->fds[fd].preopen = p->guest;
  }
  cfg->npre = 0; /* descriptors and names now belong to w */
  return true;
}

wb_error_t *wb_wasi_new(wb_store_t *store, wb_wasi_config_t *cfg, wb_wasi_t **out) {
  (void)store; /* a state serves whichever store's guests it is linked to */
  *out = NULL;
  if (!cfg) return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_wasi_new: NULL config");
  wasi_t *w = ut_calloc(1, sizeof *w);
  w->clocks = cfg->clocks;
  w->random = cfg->random;
  w->wait_until = wait_deadline(cfg->wait_limit_ns);
  w->args = cfg->args;
  cfg->args = (wasi_strs_t){0};
  build_env(w, cfg);
  for (uint32_t i = 0; i < 3; i++) add_stdio(w, i, &cfg->stdio[i]);
  bool ok = add_preopens(w, cfg);
  wb_wasi_config_delete(cfg);
  if (!ok) {
    wb_wasi_delete(w);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "too many preopened directories");
  }
  *out = w;
  return NULL;
}

void wb_wasi_delete(wb_wasi_t *w) {
  if (!w) return;
  wasi_fd_free_all(w);
  wasi_strs_free(&w->args);
  wasi_strs_free(&w->env);
  free(w->binds);
  free(w);
}

/* {====================== args and environ ======================} */

/* *count = number of strings, *size = bytes of them with terminators. */
static uint16_t strs_sizes(const wasi_strs_t *l, wasi_mem_t *m, const wb_val_t *a) {
  if (l->bytes > UINT32_MAX || l->n > UINT32_MAX) return WASI_EOVERFLOW;
  uint32_t pc = wasi_u32(a, 0), ps = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, pc, 4) || !wasi_mem_ok(m, ps, 4)) return WASI_EFAULT;
  wasi_store_u32(m, pc, (uint32_t)l->n);
  wasi_store_u32(m, ps, (uint32_t)l->bytes);
  return WASI_ESUCCESS;
}

/* Writes the pointer array at a[0] and the strings at a[1]. */
static uint16_t strs_get(const wasi_strs_t *l, wasi_mem_t *m, const wb_val_t *a) {
  uint32_t ptrs = wasi_u32(a, 0), buf = wasi_u32(a, 1);
  if (!wasi_mem_ok(m, ptrs, (uint64_t)l->n * 4) || !wasi_mem_ok(m, buf, l->bytes))
    return WASI_EFAULT;
  for (size_t i = 0; i < l->n; i++) {
    size_t n = l->e[i].len + 1;
    wasi_store_u32(m, ptrs + (uint32_t)i * 4, buf);
    memcpy(wasi_mem_at(m, buf), wasi_strs_at(l, i), n);
    buf += (uint32_t)n;
  }
  return WASI_ESUCCESS;
}

static uint16_t args_sizes_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return strs_sizes(&w->args, m, a);
}
static uint16_t args_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return strs_get(&w->args, m, a);
}
static uint16_t environ_sizes_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return strs_sizes(&w->env, m, a);
}
static uint16_t environ_get(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  return strs_get(&w->env, m, a);
}

/* {====================== Process ======================} */

static uint16_t sched_yield_(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)w, (void)m, (void)a;
  sched_yield();
  return WASI_ESUCCESS;
}

/* proc_raise: deprecated in preview1 and not imported by wasi-libc;
   raising a host signal on the guest's behalf is never right. */
static uint16_t not_implemented(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)w, (void)m, (void)a;
  return WASI_ENOSYS;
}

/* sock_*: preview1 can only use sockets handed over as preopens, and
   wasmbox grants none. */
static uint16_t no_sockets(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  (void)w, (void)m, (void)a;
  return WASI_ENOTSUP;
}

/* {====================== The import table ======================} */

/* Parameter kinds: i = i32, I = i64. Every function returns an i32 errno
   except proc_exit (impl NULL), which never returns. */
static const wasi_fn_t wasi_fns[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
    {"clock_res_get", "ii", wasi_clock_res_get},
    {"clock_time_get", "iIi", wasi_clock_time_get},
    {"fd_advise", "iIIi", wasi_fd_advise},
    {"fd_allocate", "iII", wasi_fd_allocate},
    {"fd_close", "i", wasi_fd_close},
    {"fd_datasync", "i", wasi_fd_datasync},
    {"fd_fdstat_get", "ii", wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", wasi_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", wasi_fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", wasi_fd_filestat_get},
    {"fd_filestat_set_size", "iI", wasi_fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", wasi_fd_filestat_set_times},
    {"fd_pread", "iiiIi", wasi_fd_pread},
    {"fd_prestat_get", "ii", wasi_fd_prestat_get},
    {"fd_prestat_dir_name", "iii", wasi_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", wasi_fd_pwrite},
    {"fd_read", "iiii", wasi_fd_read},
    {"fd_readdir", "iiiIi", wasi_fd_readdir},
    {"fd_renumber", "ii", wasi_fd_renumber},
    {"fd_seek", "iIii", wasi_fd_seek},
    {"fd_sync", "i", wasi_fd_sync},
    {"fd_tell", "ii", wasi_fd_tell},
    {"fd_write", "iiii", wasi_fd_write},
    {"path_create_directory", "iii", wasi_path_create_directory},
    {"path_filestat_get", "iiiii", wasi_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", wasi_path_filestat_set_times},
    {"path_link", "iiiiiii", wasi_path_link},
    {"path_open", "iiiiiIIii", wasi_path_open},
    {"path_readlink", "iiiiii", wasi_path_readlink},
    {"path_remove_directory", "iii", wasi_path_remove_directory},
    {"path_rename", "iiiiii", wasi_path_rename},
    {"path_symlink", "iiiii", wasi_path_symlink},
    {"path_unlink_file", "iii", wasi_path_unlink_file},
    {"poll_oneoff", "iiii", wasi_poll_oneoff},
    {"proc_exit", "i", NULL},
    {"proc_raise", "i", not_implemented},
    {"random_get", "ii", wasi_random_get},
    {"sched_yield", "", sched_yield_},
    {"sock_accept", "iii", no_sockets},
    {"sock_recv", "iiiiii", no_sockets},
    {"sock_send", "iiiii", no_sockets},
    {"sock_shutdown", "ii", no_sockets},
};

/* Runs impl on w for one call and turns the outcome into the i32 result
   or the trap an implementation left. */
static wb_trap_t *run(const wasi_fn_t *fn, wasi_t *w, wb_caller_t *caller, const wb_val_t *args,
                      wb_val_t *results) {
  wb_memory_t *mem = wb_caller_memory(caller);
  /* Read the base and size per call: memory.grow between calls changes
     the size, and nothing in a WASI function grows memory. */
  wasi_mem_t m = {.base = mem ? wb_memory_data(mem) : NULL,
                  .size = mem ? wb_memory_data_size(mem) : 0};
  results[0].of.i32 = fn->impl(w, &m, args);
  return m.trap;
}

/* The callback behind every import of wb_wasi_link but proc_exit. */
static wb_trap_t *wasi_call(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                            wb_val_t *results, size_t nresults) {
  (void)nargs, (void)nresults;
  const wasi_bind_t *b = env;
  return run(b->fn, b->wasi, caller, args, results);
}

/* proc_exit(code): ends the guest with an exit trap carrying the code. */
static wb_trap_t *wasi_proc_exit(void *env, wb_caller_t *caller, const wb_val_t *args,
                                 size_t nargs, wb_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)nargs, (void)results, (void)nresults;
  return wb_trap_new_exit(args[0].of.i32);
}

/* Defines fn in linker with callback cb and env. */
static wb_error_t *define(wb_linker_t *linker, const wasi_fn_t *fn, wb_func_callback_t cb,
                          void *env) {
  wb_valkind_t params[16], result = WB_I32;
  size_t np = strlen(fn->params);
  for (size_t k = 0; k < np; k++) params[k] = fn->params[k] == 'I' ? WB_I64 : WB_I32;
  wb_functype_t *type = wb_functype_new(params, np, &result, fn->impl ? 1 : 0);
  wb_error_t *err = wb_linker_define_func(linker, WB_WASI_MODULE, fn->name, type,
                                          fn->impl ? cb : wasi_proc_exit, env, NULL);
  wb_functype_delete(type);
  return err;
}

wb_error_t *wb_wasi_link(wb_wasi_t *w, wb_linker_t *linker) {
  size_t n = UT_COUNTOF(wasi_fns);
  if (!w->binds) w->binds = ut_calloc(n, sizeof *w->binds);
  for (size_t i = 0; i < n; i++) {
    w->binds[i] = (wasi_bind_t){.wasi = w, .fn = &wasi_fns[i]};
    wb_error_t *err = define(linker, &wasi_fns[i], wasi_call, &w->binds[i]);
    if (err) return err;
  }
  return NULL;
}

/* {====================== The thread's current state ======================} */

/* The state wb_wasi_enter made current on this thread, and the one a
   call without it sees: all zeros, so no arguments, environment,
   descriptors, clocks, randomness or waiting. Per thread, so that even
   this one is never shared. */
static _Thread_local wasi_t *wasi_current;
static _Thread_local wasi_t wasi_nothing;

wb_wasi_t *wb_wasi_enter(wb_wasi_t *w) {
  wasi_t *prev = wasi_current;
  wasi_current = w;
  return prev;
}

/* The callback behind every import of wb_wasi_link_current but proc_exit;
   env is the table entry. */
static wb_trap_t *wasi_call_current(void *env, wb_caller_t *caller, const wb_val_t *args,
                                    size_t nargs, wb_val_t *results, size_t nresults) {
  (void)nargs, (void)nresults;
  return run(env, wasi_current ? wasi_current : &wasi_nothing, caller, args, results);
}

wb_error_t *wb_wasi_link_current(wb_linker_t *linker) {
  for (size_t i = 0; i < UT_COUNTOF(wasi_fns); i++) {
    /* The table is read-only; the callback only reads through env. */
    wb_error_t *err = define(linker, &wasi_fns[i], wasi_call_current, (void *)&wasi_fns[i]);
    if (err) return err;
  }
  return NULL;
}

bool wb_wasi_imported_by(const wb_module_t *module) {
  size_t n = strlen(WB_WASI_MODULE);
  for (size_t i = 0; i < wb_module_import_count(module); i++) {
    wb_externdesc_t d;
    wb_module_import_get(module, i, &d);
    if (d.module_len == n && memcmp(d.module, WB_WASI_MODULE, n) == 0) return true;
  }
  return false;
}
