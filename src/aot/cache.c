/* SPDX-License-Identifier: Apache-2.0 */
/*
** The compile cache. Key: SHA-256 of the module bytes, the compiler (its
** resolved path, size, modification time and inode), its flags, the
** wasmbox version, the ABI and translator versions, the unit size (how a
** large module is cut into files) and the prelude text.
** Two levels:
**
**  - in memory: loaded artifacts, shared by modules with the same key and
**    kept (LRU, at most AOT_MEM_ENTRIES) after their last module is gone;
**  - on disk, in the cache folder: <key>.so and <key>.sum, the checksum
**    and size of the .so recorded when it was compiled (digest.c). Every
**    load reads the whole object and checks it against the record first:
**    an object that fails is recompiled, never loaded. This catches damage
**    (truncation, partial writes, flipped bits, another file in its place),
**    not tampering: whoever can write the folder can rewrite the record.
**    The object also carries its key, checked after dlopen (compile.c), so
**    an intact object under another key's name is not taken either.
**    Writes go to a temporary name and are renamed into place. The folder
**    is bounded ($WASMBOX_CACHE_MAX_MB, default 1024): after a compile the
**    least recently used objects go (loading one touches it).
**
** The same module is compiled once however many want it at the same
** time: threads wait on an in-progress table, processes on flock(<key>.lock).
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aot/aot.h"

#define AOT_MEM_ENTRIES 64
#define AOT_MAX_PENDING 64

typedef struct mem_entry {
  aot_artifact_t *art;
  uint64_t used; /* tick of the last lookup */
} mem_entry_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static mem_entry_t mem[AOT_MEM_ENTRIES];
static uint64_t tick;
static uint8_t pending[AOT_MAX_PENDING][32];
static uint32_t npending;

/* {====================== Hashing ======================} */

static void hex(const uint8_t k[32], char out[65]) { aot_digest_hex(k, out); }

/* The key: the module's bytes, then everything else that shapes the object. */
static void make_key(const wm_module_t *m, const aot_cc_t *cc, uint8_t key[32]) {
  char ver[128];
  snprintf(ver, sizeof ver, "wasmbox %s abi %u emit %u unit %zu", WASMBOX_VERSION,
           AOT_ABI_VERSION, AOT_EMIT_VERSION, aot_unit_bytes());
  uint8_t bytes[32];
  aot_digest(m->bytes, m->len, bytes);
  const char *prelude = aot_prelude(), *flags = aot_cc_flags();
  const void *parts[] = {bytes, cc->path, cc->version, flags, ver, prelude};
  const size_t lens[] = {32, strlen(cc->path) + 1, strlen(cc->version) + 1, strlen(flags) + 1,
                         strlen(ver) + 1, strlen(prelude)};
  aot_digest_parts(parts, lens, UT_COUNTOF(parts), key);
}

/* The record of an object: "wasmbox-sum1 <checksum> <size>\n". */
static bool file_record(const char *path, char *out, size_t n) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  uint64_t sum, size;
  bool ok = aot_checksum_fd(fd, &sum, &size);
  close(fd);
  snprintf(out, n, "wasmbox-sum1 %016llx %llu\n", (unsigned long long)sum,
           (unsigned long long)size);
  return ok;
}

/* {====================== The disk cache ======================} */

static bool mkdirs(const char *dir) {
  char p[1024];
  snprintf(p, sizeof p, "%s", dir);
  for (char *s = p + 1; *s; s++)
    if (*s == '/') {
      *s = 0;
      if (mkdir(p, 0755) != 0 && errno != EEXIST) return false;
      *s = '/';
    }
  return mkdir(p, 0755) == 0 || errno == EEXIST;
}

static void default_dir(char *out, size_t n) {
  const char *env = getenv("WASMBOX_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (env && *env) snprintf(out, n, "%s", env);
  else if (xdg && *xdg) snprintf(out, n, "%s/wasmbox", xdg);
  else if (home && *home) snprintf(out, n, "%s/.cache/wasmbox", home);
  else snprintf(out, n, "/tmp/wasmbox-cache-%u", (unsigned)getuid());
}

/* True when so is intact: its sidecar holds its current record. */
static bool verified(const char *so, const char *side) {
  char want[96] = {0}, have[96];
  FILE *f = fopen(side, "r");
  if (!f) return false;
  bool ok = fgets(want, sizeof want, f) != NULL;
  fclose(f);
  return ok && file_record(so, have, sizeof have) && strcmp(want, have) == 0;
}

typedef struct fent {
  char name[80];
  time_t mtime;
  off_t size;
} fent_t;

static int by_mtime(const void *a, const void *b) {
  const fent_t *x = a, *y = b;
  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* Removes least recently used objects until the folder is under its bound. */
static void evict(const char *dir) {
  const char *env = getenv("WASMBOX_CACHE_MAX_MB");
  uint64_t max = (env && *env ? strtoull(env, NULL, 10) : 1024) << 20;
  DIR *d = opendir(dir);
  if (!d) return;
  fent_t *v = NULL;
  uint32_t nv = 0, cap = 0;
  uint64_t total = 0;
  struct dirent *e;
  char path[1200];
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    struct stat st;
    if (len != 67 || strcmp(e->d_name + 64, ".so") != 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0) continue;
    fent_t f;
    snprintf(f.name, sizeof f.name, "%.64s", e->d_name);
    f.mtime = st.st_mtime;
    f.size = st.st_size;
    total += (uint64_t)st.st_size;
    UT_PUSH(v, nv, cap, f);
  }
  closedir(d);
  if (nv) qsort(v, nv, sizeof *v, by_mtime);
  for (uint32_t i = 0; i < nv && total > max; i++) {
    snprintf(path, sizeof path, "%s/%s.so", dir, v[i].name);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s.sum", dir, v[i].name);
    unlink(path);
    /* The sidecar of earlier versions. */
    snprintf(path, sizeof path, "%s/%s.sha256", dir, v[i].name);
    unlink(path);
    total -= (uint64_t)v[i].size;
  }
  free(v);
}

/* Compiles m into dir/<key>.so with its sidecar (atomically). */
static wb_error_t *compile_into(const wm_module_t *m, const aot_cc_t *cc, const char *dir,
                                const uint8_t key[32], const char *so, const char *side) {
  char tmp[1100], tso[1200], tside[1200], rec[96];
  snprintf(tmp, sizeof tmp, "%s/tmp-XXXXXX", dir);
  if (!mkdtemp(tmp))
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot create a folder in %s: %s", dir,
                        strerror(errno));
  aot_csrc_t src = {0};
  aot_emit_module(m, key, &src);
  snprintf(tso, sizeof tso, "%s/out.so", tmp);
  wb_error_t *err = aot_cc_compile(cc, &src, tmp, tso, m->ncodes);
  aot_csrc_free(&src);
  if (!err && !file_record(tso, rec, sizeof rec))
    err = ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot read %s", tso);
  if (!err) {
    snprintf(tside, sizeof tside, "%s/out.sum", tmp);
    FILE *f = fopen(tside, "w");
    bool ok = f && fputs(rec, f) >= 0;
    if (f && fclose(f) != 0) ok = false;
    if (!ok || rename(tso, so) != 0 || rename(tside, side) != 0)
      err = ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot write to %s: %s", dir,
                         strerror(errno));
  }
  unlink(tso);
  unlink(tside);
  rmdir(tmp);
  return err;
}

/* Loads from the disk cache or compiles, under the key's file lock. */
static wb_error_t *from_disk(const wm_module_t *m, const aot_cc_t *cc, const char *dir,
                             const uint8_t key[32], aot_artifact_t **out) {
  char kh[65], so[1200], side[1200], lk[1200];
  hex(key, kh);
  if (!mkdirs(dir))
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot create cache folder %s: %s",
                        dir, strerror(errno));
  snprintf(so, sizeof so, "%s/%s.so", dir, kh);
  snprintf(side, sizeof side, "%s/%s.sum", dir, kh);
  snprintf(lk, sizeof lk, "%s/%s.lock", dir, kh);
  int fd = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0)
    while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {}
  wb_error_t *err = NULL;
  bool fresh = !verified(so, side);
  if (!fresh) {
    utimensat(AT_FDCWD, so, NULL, 0); /* most recently used */
    err = aot_artifact_open(so, key, out);
    /* Intact but not this module's code (or not loadable): replaced. */
    fresh = err != NULL;
    wb_error_delete(err);
    err = NULL;
  }
  if (fresh) {
    err = compile_into(m, cc, dir, key, so, side);
    if (!err) err = aot_artifact_open(so, key, out);
  }
  if (fd >= 0) close(fd); /* kept: unlinking would let a waiter lock a stale inode */
  if (fresh && !err) evict(dir);
  return err;
}

/* {====================== The memory cache ======================} */

static aot_artifact_t *mem_find(const uint8_t key[32]) {
  for (int i = 0; i < AOT_MEM_ENTRIES; i++)
    if (mem[i].art && memcmp(mem[i].art->key, key, 32) == 0) {
      mem[i].used = ++tick;
      atomic_fetch_add(&mem[i].art->refs, 1);
      return mem[i].art;
    }
  return NULL;
}

/* Keeps a (referenced) artifact, dropping the least recently used one. */
static void mem_insert(aot_artifact_t *a) {
  int victim = 0;
  for (int i = 0; i < AOT_MEM_ENTRIES; i++) {
    if (!mem[i].art) {
      victim = i;
      break;
    }
    if (mem[i].used < mem[victim].used) victim = i;
  }
  aot_artifact_release(mem[victim].art);
  atomic_fetch_add(&a->refs, 1);
  mem[victim].art = a;
  mem[victim].used = ++tick;
}

static int pending_find(const uint8_t key[32]) {
  for (uint32_t i = 0; i < npending; i++)
    if (memcmp(pending[i], key, 32) == 0) return (int)i;
  return -1;
}

wb_error_t *aot_get(const wm_module_t *m, const char *cache_dir, aot_artifact_t **out) {
  *out = NULL;
  const aot_cc_t *cc = aot_cc_find();
  if (!cc)
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "aot: no C compiler (set WASMBOX_CC, or install clang-19 or gcc)");
  uint8_t key[32];
  make_key(m, cc, key);
  char dir[1024];
  if (cache_dir && *cache_dir) snprintf(dir, sizeof dir, "%s", cache_dir);
  else default_dir(dir, sizeof dir);
  pthread_mutex_lock(&lock);
  for (;;) {
    if ((*out = mem_find(key))) {
      pthread_mutex_unlock(&lock);
      return NULL;
    }
    if (pending_find(key) < 0 && npending < AOT_MAX_PENDING) break;
    pthread_cond_wait(&done_cv, &lock);
  }
  memcpy(pending[npending++], key, 32);
  pthread_mutex_unlock(&lock);
  wb_error_t *err = from_disk(m, cc, dir, key, out);
  pthread_mutex_lock(&lock);
  if (!err) mem_insert(*out);
  int i = pending_find(key);
  memcpy(pending[i], pending[--npending], 32);
  pthread_cond_broadcast(&done_cv);
  pthread_mutex_unlock(&lock);
  return err;
}

wb_error_t *aot_export(const wm_module_t *m, const char *cache_dir, const char *path) {
  aot_artifact_t *a;
  wb_error_t *err = aot_get(m, cache_dir, &a);
  if (err) return err;
  FILE *in = fopen(a->path, "rb"), *o = in ? fopen(path, "wb") : NULL;
  bool ok = in && o;
  char buf[65536];
  size_t n;
  while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, n, o) == n;
  if (in) fclose(in);
  if (o && fclose(o) != 0) ok = false;
  aot_artifact_release(a);
  if (!ok) return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "aot: cannot write %s", path);
  return NULL;
}
