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

static const char flags[] = "-O2 -fPIC -shared -fno-strict-aliasing -fwrapv -ffp-contract=off "
                            "-fno-math-errno -fno-optimize-sibling-calls -w";

const char *aot_cc_flags(void) { return flags; }

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

wb_error_t *aot_cc_compile(const aot_cc_t *cc, const char *c_text, size_t c_len,
                           const char *tmpdir, const char *so_path, uint32_t nfuncs) {
  char c_path[1200];
  snprintf(c_path, sizeof c_path, "%s/module.c", tmpdir);
  if (!write_all(c_path, c_text, c_len))
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot write %s: %s", c_path,
                        strerror(errno));
  /* argv: the compiler, the flags split at spaces, -o out in -lm. */
  char fl[sizeof flags];
  memcpy(fl, flags, sizeof flags);
  char *argv[32];
  size_t n = 0;
  argv[n++] = (char *)cc->path;
  for (char *save, *t = strtok_r(fl, " ", &save); t && n < 24; t = strtok_r(NULL, " ", &save))
    argv[n++] = t;
  argv[n++] = "-o";
  argv[n++] = (char *)so_path;
  argv[n++] = c_path;
  argv[n++] = "-lm";
  argv[n] = NULL;
  bool tty = isatty(2);
  if (tty) fprintf(stderr, "wasmbox: compiling %u functions...", nfuncs);
  double t0 = now_s();
  char *out = ut_malloc(4096);
  int rc = run_capture(argv, out, 4096);
  if (tty) fprintf(stderr, rc == 0 ? " done in %.1f s\n" : " failed\n", now_s() - t0);
  wb_error_t *err = NULL;
  if (rc != 0)
    err = ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: %s failed (status %d): %.1500s",
                       cc->path, rc, out);
  free(out);
  return err;
}

wb_error_t *aot_artifact_open(const char *so_path, const uint8_t key[32], aot_artifact_t **out) {
  *out = NULL;
  void *h = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
  if (!h) return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: dlopen: %s", dlerror());
  const aot_desc *d = dlsym(h, "wasmbox_aot_module");
  if (!d || d->abi_version != AOT_ABI_VERSION) {
    dlclose(h);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: %s: not a wasmbox module of ABI %u",
                        so_path, AOT_ABI_VERSION);
  }
  aot_artifact_t *a = ut_calloc(1, sizeof *a);
  atomic_init(&a->refs, 1);
  a->handle = h;
  a->desc = d;
  memcpy(a->key, key, 32);
  snprintf(a->path, sizeof a->path, "%s", so_path);
  *out = a;
  return NULL;
}

void aot_artifact_release(aot_artifact_t *a) {
  if (!a || atomic_fetch_sub(&a->refs, 1) != 1) return;
  dlclose(a->handle);
  free(a);
}
