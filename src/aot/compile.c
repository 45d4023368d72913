/* SPDX-License-Identifier: Apache-2.0 */
/*
** Running the system C compiler on generated code, and loading the result.
**
** The compiler is $WASMBOX_CC if set, else clang-19, else gcc (else cc),
** found on PATH. It runs as a child process (posix_spawn, no shell) with
** its output captured for the error message. The flags keep C's undefined
** behaviour out of wasm's defined semantics: -fwrapv (signed overflow
** wraps), -fno-strict-aliasing (memory is bytes), -ffp-contract=off (no
** fused multiply-add), -fno-math-errno (sqrt inline; errno is unobservable).
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aot/aot.h"

extern char **environ;

/* Compiling (each unit) and linking. The last two compile flags and -s
   keep the object small, which is what loading it costs (every load reads
   all of it, see cache.c): no unwind tables (nothing unwinds through
   generated code: traps long-jump) and no symbol table. */
#define AOT_CFLAGS                                                                           \
  "-O2 -fPIC -fno-strict-aliasing -fwrapv -ffp-contract=off -fno-math-errno "                \
  "-fno-optimize-sibling-calls -w -fno-asynchronous-unwind-tables -fno-unwind-tables"
#define AOT_LFLAGS "-shared -s"

const char *aot_cc_flags(void) { return AOT_CFLAGS " " AOT_LFLAGS; }

/* Runs argv with stdout+stderr captured in out (NUL-terminated, truncated
   to n). Returns the exit status, or -1 if it could not run. */
static int run_capture(char *const argv[], char *out, size_t n) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_adddup2(&fa, p[1], 2);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(p[1]);
  size_t len = 0;
  char buf[4096];
  ssize_t r;
  while ((r = read(p[0], buf, sizeof buf)) != 0) {
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    size_t k = (size_t)r < n - 1 - len ? (size_t)r : n - 1 - len;
    memcpy(out + len, buf, k);
    len += k;
  }
  out[len] = 0;
  close(p[0]);
  if (rc != 0) return -1;
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Finds name on PATH (or takes it as is if it holds a '/'). */
static bool find_program(const char *name, char *out, size_t n) {
  if (strchr(name, '/')) {
    if (access(name, X_OK) != 0) return false;
    snprintf(out, n, "%s", name);
    return true;
  }
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  while (*path) {
    const char *end = strchr(path, ':');
    size_t len = end ? (size_t)(end - path) : strlen(path);
    if (len && (size_t)snprintf(out, n, "%.*s/%s", (int)len, path, name) < n &&
        access(out, X_OK) == 0)
      return true;
    path += len + (end ? 1 : 0);
  }
  return false;
}

static aot_cc_t cc_found;
static bool cc_ok;
static pthread_once_t cc_once = PTHREAD_ONCE_INIT;

/* The compiler's identity for the cache key: the binary it resolves to and
   that file's size, modification time and inode. A new compiler version
   replaces the file, so this changes with it; and unlike running
   `cc --version` (about 20 ms for clang) it costs one stat, which keeps
   loading a cached artifact cheap. */
static bool cc_identity(const char *path, char *out, size_t n) {
  char real[PATH_MAX];
  struct stat st;
  if (!realpath(path, real) || stat(real, &st) != 0) return false;
  snprintf(out, n, "%.180s size=%lld mtime=%lld.%09ld ino=%llu", real, (long long)st.st_size,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
  return true;
}

static void cc_probe(void) {
  const char *env = getenv("WASMBOX_CC");
  const char *cands[] = {env && *env ? env : NULL, "clang-19", "gcc", "cc"};
  for (size_t i = 0; i < UT_COUNTOF(cands) && !cc_ok; i++)
    if (cands[i] && find_program(cands[i], cc_found.path, sizeof cc_found.path))
      cc_ok = cc_identity(cc_found.path, cc_found.version, sizeof cc_found.version);
}

const aot_cc_t *aot_cc_find(void) {
  pthread_once(&cc_once, cc_probe);
  return cc_ok ? &cc_found : NULL;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool write_all(const char *path, const char *p, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return close(fd) == 0;
}

/* {====================== Compiling ======================} */

/* An argument vector under construction (owned strings in store). */
typedef struct args {
  char **v;
  uint32_t n, cap;
  char *store[4];
  uint32_t nstore;
} args_t;

static void arg(args_t *a, const char *s) {
  UT_PUSH(a->v, a->n, a->cap, (char *)s);
}

/* Adds the space-separated words of flags. */
static void arg_words(args_t *a, const char *flags) {
  char *copy = ut_strndup(flags, strlen(flags));
  a->store[a->nstore++] = copy;
  for (char *save, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) arg(a, t);
}

static void args_free(args_t *a) {
  for (uint32_t i = 0; i < a->nstore; i++) free(a->store[i]);
  free(a->v);
}

/* One compiler run: a unit to an object file. */
typedef struct job {
  const aot_cc_t *cc;
  char c_path[1200], o_path[1200];
  size_t size; /* of the C text: the biggest start first */
  int rc;
  char out[2048];
} job_t;

typedef struct pool {
  job_t **order; /* biggest first */
  uint32_t n;
  _Atomic uint32_t next;
} pool_t;

static void job_run(job_t *j) {
  args_t a = {0};
  arg(&a, j->cc->path);
  arg_words(&a, AOT_CFLAGS);
  arg(&a, "-c");
  arg(&a, "-o");
  arg(&a, j->o_path);
  arg(&a, j->c_path);
  arg(&a, NULL);
  j->rc = run_capture(a.v, j->out, sizeof j->out);
  args_free(&a);
}

static void *worker(void *arg_) {
  pool_t *p = arg_;
  for (uint32_t i; (i = atomic_fetch_add(&p->next, 1)) < p->n;) job_run(p->order[i]);
  return NULL;
}

static int by_size(const void *a, const void *b) {
  const job_t *x = *(job_t *const *)a, *y = *(job_t *const *)b;
  return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

/* CPUs this process may run on. */
static uint32_t cpus(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return (uint32_t)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (uint32_t)n : 1;
}

/* Compiles every job, up to one per CPU at a time, biggest first. Returns
   the first failed job, or NULL. */
static job_t *run_jobs(job_t *jobs, uint32_t n) {
  pool_t p = {ut_calloc(n, sizeof *p.order), n, 0};
  for (uint32_t i = 0; i < n; i++) p.order[i] = &jobs[i];
  qsort(p.order, n, sizeof *p.order, by_size);
  uint32_t nthreads = cpus() < n ? cpus() : n;
  pthread_t *t = ut_calloc(nthreads, sizeof *t);
  uint32_t started = 0;
  while (started + 1 < nthreads && pthread_create(&t[started], NULL, worker, &p) == 0) started++;
  worker(&p); /* this thread works too (and alone if no thread starts) */
  for (uint32_t i = 0; i < started; i++) pthread_join(t[i], NULL);
  free(t);
  free(p.order);
  for (uint32_t i = 0; i < n; i++)
    if (jobs[i].rc != 0) return &jobs[i];
  return NULL;
}

static wb_error_t *failed(const aot_cc_t *cc, int rc, const char *out) {
  return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: %s failed (status %d): %.1500s",
                      cc->path, rc, out);
}

/* Several units: compiled in parallel, then linked in unit order (the
   object's layout, so its bytes, depend on the order). */
static wb_error_t *compile_units(const aot_cc_t *cc, job_t *jobs, uint32_t n, const char *so) {
  job_t *bad = run_jobs(jobs, n);
  if (bad) return failed(cc, bad->rc, bad->out);
  args_t a = {0};
  arg(&a, cc->path);
  arg_words(&a, AOT_LFLAGS);
  arg(&a, "-o");
  arg(&a, so);
  for (uint32_t i = 0; i < n; i++) arg(&a, jobs[i].o_path);
  arg(&a, "-lm");
  arg(&a, NULL);
  char out[2048];
  int rc = run_capture(a.v, out, sizeof out);
  args_free(&a);
  return rc == 0 ? NULL : failed(cc, rc, out);
}

/* One unit: straight to the shared object. */
static wb_error_t *compile_one(const aot_cc_t *cc, const job_t *j, const char *so) {
  args_t a = {0};
  arg(&a, cc->path);
  arg_words(&a, AOT_CFLAGS);
  arg_words(&a, AOT_LFLAGS);
  arg(&a, "-o");
  arg(&a, so);
  arg(&a, j->c_path);
  arg(&a, "-lm");
  arg(&a, NULL);
  char *out = ut_malloc(4096);
  int rc = run_capture(a.v, out, 4096);
  args_free(&a);
  wb_error_t *err = rc == 0 ? NULL : failed(cc, rc, out);
  free(out);
  return err;
}

wb_error_t *aot_cc_compile(const aot_cc_t *cc, const aot_csrc_t *src, const char *tmpdir,
                           const char *so_path, uint32_t nfuncs) {
  job_t *jobs = ut_calloc(src->n, sizeof *jobs);
  wb_error_t *err = NULL;
  uint32_t written = 0;
  for (; written < src->n && !err; written++) {
    job_t *j = &jobs[written];
    j->cc = cc;
    j->size = src->units[written].len;
    snprintf(j->c_path, sizeof j->c_path, "%s/unit%u.c", tmpdir, written);
    snprintf(j->o_path, sizeof j->o_path, "%s/unit%u.o", tmpdir, written);
    if (!write_all(j->c_path, src->units[written].s, src->units[written].len))
      err = ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot write %s: %s", j->c_path,
                         strerror(errno));
  }
  bool tty = !err && isatty(2);
  if (tty) fprintf(stderr, "wasmbox: compiling %u functions...", nfuncs);
  double t0 = now_s();
  if (!err) err = src->n == 1 ? compile_one(cc, &jobs[0], so_path)
                              : compile_units(cc, jobs, src->n, so_path);
  if (tty) fprintf(stderr, !err ? " done in %.1f s\n" : " failed\n", now_s() - t0);
  bool keep = getenv("WASMBOX_AOT_KEEP_C") != NULL;
  for (uint32_t i = 0; i < written; i++) {
    unlink(jobs[i].o_path);
    if (!keep) unlink(jobs[i].c_path);
  }
  free(jobs);
  return err;
}

wb_error_t *aot_artifact_open(const char *so_path, const uint8_t key[32], aot_artifact_t **out) {
  *out = NULL;
  void *h = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
  if (!h) return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: dlopen: %s", dlerror());
  const aot_desc *d = dlsym(h, "wasmbox_aot_module");
  /* The key check makes sure the code is this module's whatever the file
     is called (and whatever dlopen matched it with). */
  if (!d || d->abi_version != AOT_ABI_VERSION || memcmp(d->key, key, 32) != 0) {
    dlclose(h);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "aot: %s: not this module's code for wasmbox ABI %u", so_path,
                        AOT_ABI_VERSION);
  }
  aot_artifact_t *a = ut_calloc(1, sizeof *a);
  atomic_init(&a->refs, 1);
  a->handle = h;
  a->desc = d;
  a->thunks = ut_calloc((size_t)d->nfuncs + 1, sizeof *a->thunks);
  a->direct = ut_calloc((size_t)d->nfuncs + 1, sizeof *a->direct);
  d->thunks(a->thunks, a->direct);
  memcpy(a->key, key, 32);
  snprintf(a->path, sizeof a->path, "%s", so_path);
  *out = a;
  return NULL;
}

void aot_artifact_release(aot_artifact_t *a) {
  if (!a || atomic_fetch_sub(&a->refs, 1) != 1) return;
  dlclose(a->handle);
  free(a->thunks);
  free(a->direct);
  free(a);
}
