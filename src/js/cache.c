/* SPDX-License-Identifier: Apache-2.0 */
/*
** The bytecode cache. The key (made by function.c) is SHA-256 of the
** source, its file name, the guest's hash and a format version, so a
** changed source, name or engine never meets old bytecode.
**
**  - In memory: at most `entries` entries and JS_MEM_BYTES bytes, least
**    recently used out first.
**  - On disk: one file per key, <hex key>.qjsbc:
**
**        "WBJSBC01"  SHA-256 of the payload (32 bytes)  payload
**
**    A file whose payload does not match its hash (truncated, corrupted,
**    tampered with) is deleted and treated as a miss, so bytecode the guest
**    reads is always what some compile wrote for that key. Writes go to a
**    unique temporary name and are renamed into place, so readers never
**    see half a file. A read touches the file; after a write the folder is
**    trimmed to $WASMBOX_JS_CACHE_MAX_MB (default 256), least recently
**    used first.
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "js/js.h"

#define JS_MEM_BYTES (64u << 20)
#define JS_DISK_DEFAULT_MB 256
#define JS_FILE_MAX (256u << 20) /* larger files are not ours */
#define JS_MAGIC "WBJSBC01"
#define JS_MAGIC_LEN 8
#define JS_SUFFIX ".qjsbc"

typedef struct entry {
  uint8_t key[JS_HASH_LEN];
  uint8_t *bc;
  size_t len;
  uint64_t used; /* tick of the last use */
} entry_t;

struct js_cache {
  pthread_mutex_t lock;
  char *dir; /* NULL: memory only */
  entry_t *mem;
  uint32_t n, cap;
  size_t bytes;
  uint64_t tick;
};

js_cache_t *js_cache_new(const char *dir, uint32_t entries) {
  js_cache_t *c = ut_calloc(1, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
  c->cap = entries ? entries : 1;
  c->mem = ut_calloc(c->cap, sizeof *c->mem);
  if (dir && *dir) c->dir = ut_strndup(dir, strlen(dir));
  return c;
}

void js_cache_delete(js_cache_t *c) {
  if (!c) return;
  for (uint32_t i = 0; i < c->n; i++)
    free(c->mem[i].bc);
  free(c->mem);
  free(c->dir);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

/* {====================== Memory ======================} */

static void mem_remove(js_cache_t *c, uint32_t i) {
  c->bytes -= c->mem[i].len;
  free(c->mem[i].bc);
  c->mem[i] = c->mem[--c->n];
}

static uint32_t mem_oldest(const js_cache_t *c) {
  uint32_t o = 0;
  for (uint32_t i = 1; i < c->n; i++)
    if (c->mem[i].used < c->mem[o].used) o = i;
  return o;
}

/* Under the lock. */
static entry_t *mem_find(js_cache_t *c, const uint8_t key[JS_HASH_LEN]) {
  for (uint32_t i = 0; i < c->n; i++)
    if (memcmp(c->mem[i].key, key, JS_HASH_LEN) == 0) return &c->mem[i];
  return NULL;
}

/* Under the lock: adds a copy, evicting until it fits. */
static void mem_add(js_cache_t *c, const uint8_t key[JS_HASH_LEN], const uint8_t *bc, size_t len) {
  if (len > JS_MEM_BYTES || mem_find(c, key)) return;
  while (c->n && (c->n == c->cap || c->bytes + len > JS_MEM_BYTES))
    mem_remove(c, mem_oldest(c));
  entry_t *e = &c->mem[c->n++];
  memcpy(e->key, key, JS_HASH_LEN);
  e->bc = ut_malloc(len ? len : 1);
  memcpy(e->bc, bc, len);
  e->len = len;
  e->used = ++c->tick;
  c->bytes += len;
}

/* {====================== Disk ======================} */

static void key_path(const js_cache_t *c, const uint8_t key[JS_HASH_LEN], char *out, size_t n) {
  char hex[2 * JS_HASH_LEN + 1];
  for (int i = 0; i < JS_HASH_LEN; i++)
    snprintf(hex + 2 * i, 3, "%02x", key[i]);
  snprintf(out, n, "%s/%s%s", c->dir, hex, JS_SUFFIX);
}

/* Reads a whole regular file of at most JS_FILE_MAX bytes. */
static uint8_t *read_all(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  uint8_t *buf = NULL;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size <= JS_FILE_MAX) {
    size_t size = (size_t)st.st_size, got = 0;
    buf = ut_malloc(size ? size : 1);
    while (got < size) {
      ssize_t r = read(fd, buf + got, size - got);
      if (r <= 0) break;
      got += (size_t)r;
    }
    if (got != size) {
      free(buf);
      buf = NULL;
    }
    *len = size;
  }
  close(fd);
  return buf;
}

/* The payload of a verified file (moved to the front of a new buffer). */
static uint8_t *disk_get(const js_cache_t *c, const uint8_t key[JS_HASH_LEN], size_t *len) {
  char path[4096];
  key_path(c, key, path, sizeof path);
  size_t n = 0;
  uint8_t *buf = read_all(path, &n);
  if (!buf) return NULL;
  size_t head = JS_MAGIC_LEN + JS_HASH_LEN;
  uint8_t sum[JS_HASH_LEN];
  bool ok = n >= head && memcmp(buf, JS_MAGIC, JS_MAGIC_LEN) == 0;
  if (ok) {
    const void *part = buf + head;
    size_t plen = n - head;
    js_sha256(&part, &plen, 1, sum);
    ok = memcmp(sum, buf + JS_MAGIC_LEN, JS_HASH_LEN) == 0;
  }
  if (!ok) { /* corrupt: never handed to the guest, and made again */
    unlink(path);
    free(buf);
    return NULL;
  }
  memmove(buf, buf + head, n - head);
  *len = n - head;
  utimensat(AT_FDCWD, path, NULL, 0); /* recently used */
  return buf;
}

static bool mkdirs(const char *dir) {
  char p[4096];
  snprintf(p, sizeof p, "%s", dir);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0755) != 0 && errno != EEXIST) return false;
    *s = '/';
  }
  return mkdir(p, 0755) == 0 || errno == EEXIST;
}

static bool write_all(int fd, const void *p, size_t n) {
  const uint8_t *b = p;
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w <= 0) return false;
    b += w;
    n -= (size_t)w;
  }
  return true;
}

typedef struct fent {
  char name[2 * JS_HASH_LEN + sizeof JS_SUFFIX];
  struct timespec mtime;
  off_t size;
} fent_t;

static int by_mtime(const void *a, const void *b) {
  const struct timespec *x = &((const fent_t *)a)->mtime, *y = &((const fent_t *)b)->mtime;
  if (x->tv_sec != y->tv_sec) return x->tv_sec < y->tv_sec ? -1 : 1;
  return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

static uint64_t disk_bound(void) {
  const char *env = getenv("WASMBOX_JS_CACHE_MAX_MB");
  uint64_t mb = env && *env ? strtoull(env, NULL, 10) : JS_DISK_DEFAULT_MB;
  return (mb ? mb : 1) << 20;
}

/* Deletes least recently used files until the folder is under its bound. */
static void disk_trim(const js_cache_t *c) {
  DIR *d = opendir(c->dir);
  if (!d) return;
  fent_t *v = NULL;
  uint32_t n = 0, cap = 0;
  uint64_t total = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t nl = strlen(de->d_name), sl = strlen(JS_SUFFIX);
    struct stat st;
    if (nl != 2 * JS_HASH_LEN + sl || strcmp(de->d_name + nl - sl, JS_SUFFIX) != 0) continue;
    if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    fent_t f = {.mtime = st.st_mtim, .size = st.st_size};
    memcpy(f.name, de->d_name, nl + 1);
    UT_PUSH(v, n, cap, f);
    total += (uint64_t)st.st_size;
  }
  uint64_t bound = disk_bound();
  if (total > bound) {
    qsort(v, n, sizeof *v, by_mtime);
    for (uint32_t i = 0; i < n && total > bound; i++)
      if (unlinkat(dirfd(d), v[i].name, 0) == 0) total -= (uint64_t)v[i].size;
  }
  closedir(d);
  free(v);
}

static void disk_put(const js_cache_t *c, const uint8_t key[JS_HASH_LEN], const uint8_t *bc,
                     size_t len) {
  if (!mkdirs(c->dir)) return;
  char path[4096], tmp[4200];
  key_path(c, key, path, sizeof path);
  snprintf(tmp, sizeof tmp, "%s/.tmp-%ld-XXXXXX", c->dir, (long)getpid());
  int fd = mkstemp(tmp);
  if (fd < 0) return;
  uint8_t sum[JS_HASH_LEN];
  const void *part = bc;
  js_sha256(&part, &len, 1, sum);
  bool ok = write_all(fd, JS_MAGIC, JS_MAGIC_LEN) && write_all(fd, sum, JS_HASH_LEN) &&
            write_all(fd, bc, len);
  ok = fchmod(fd, 0644) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return;
  }
  disk_trim(c);
}

/* {====================== Lookups ======================} */

uint8_t *js_cache_get(js_cache_t *c, const uint8_t key[JS_HASH_LEN], size_t *len, bool *from_disk) {
  *from_disk = false;
  pthread_mutex_lock(&c->lock);
  entry_t *e = mem_find(c, key);
  uint8_t *copy = NULL;
  if (e) {
    e->used = ++c->tick;
    copy = ut_malloc(e->len ? e->len : 1);
    memcpy(copy, e->bc, e->len);
    *len = e->len;
  }
  pthread_mutex_unlock(&c->lock);
  if (copy || !c->dir) return copy;
  copy = disk_get(c, key, len);
  if (!copy) return NULL;
  *from_disk = true;
  pthread_mutex_lock(&c->lock);
  mem_add(c, key, copy, *len);
  pthread_mutex_unlock(&c->lock);
  return copy;
}

void js_cache_put(js_cache_t *c, const uint8_t key[JS_HASH_LEN], const uint8_t *bc, size_t len) {
  pthread_mutex_lock(&c->lock);
  mem_add(c, key, bc, len);
  pthread_mutex_unlock(&c->lock);
  if (c->dir) disk_put(c, key, bc, len);
}
