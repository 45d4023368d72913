/* SPDX-License-Identifier: Apache-2.0 */
/*
** A sorted array of (name, version) under one mutex: lookups are a binary
** search and an atomic increment, and the set of functions is small and
** changes only on deploys, so nothing fancier pays for itself.
*/
#include "server/registry.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server/buf.h"

void srv_ref_init(srv_ref_t *r, void (*destroy)(srv_ref_t *self)) {
  atomic_init(&r->count, 1);
  r->destroy = destroy;
}

void srv_ref_retain(srv_ref_t *r) { atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed); }

void srv_ref_release(srv_ref_t *r) {
  if (!r) return;
  /* acq_rel: every use of the object by other holders happens before the
     destroy that follows the last release. */
  if (atomic_fetch_sub_explicit(&r->count, 1, memory_order_acq_rel) == 1) r->destroy(r);
}

typedef struct entry {
  char *name;
  size_t len;
  srv_ref_t *v;
} entry_t;

struct srv_registry {
  pthread_mutex_t lock;
  entry_t *e;
  size_t n, cap;
};

srv_registry_t *srv_registry_new(void) {
  srv_registry_t *reg = srv_calloc(1, sizeof *reg);
  pthread_mutex_init(&reg->lock, NULL);
  return reg;
}

void srv_registry_delete(srv_registry_t *reg) {
  if (!reg) return;
  for (size_t i = 0; i < reg->n; i++) {
    srv_ref_release(reg->e[i].v);
    free(reg->e[i].name);
  }
  free(reg->e);
  pthread_mutex_destroy(&reg->lock);
  free(reg);
}

static int compare(const char *a, size_t alen, const char *b, size_t blen) {
  int c = memcmp(a, b, alen < blen ? alen : blen);
  return c ? c : (alen > blen) - (alen < blen);
}

/* Under the lock: the index of name, or where it would go (*found false). */
static size_t find(const srv_registry_t *reg, const char *name, size_t len, int *found) {
  size_t lo = 0, hi = reg->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = compare(reg->e[mid].name, reg->e[mid].len, name, len);
    if (c == 0) {
      *found = 1;
      return mid;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = 0;
  return lo;
}

srv_ref_t *srv_registry_get(srv_registry_t *reg, const char *name, size_t len) {
  int found;
  srv_ref_t *v = NULL;
  pthread_mutex_lock(&reg->lock);
  size_t i = find(reg, name, len, &found);
  if (found) {
    v = reg->e[i].v;
    srv_ref_retain(v);
  }
  pthread_mutex_unlock(&reg->lock);
  return v;
}

/* Under the lock: a new entry at index i. */
static void insert_at(srv_registry_t *reg, size_t i, const char *name, srv_ref_t *v) {
  if (reg->n == reg->cap) {
    reg->cap = reg->cap ? reg->cap * 2 : 16;
    reg->e = srv_realloc(reg->e, reg->cap * sizeof *reg->e);
  }
  memmove(&reg->e[i + 1], &reg->e[i], (reg->n - i) * sizeof *reg->e);
  reg->e[i] = (entry_t){srv_strdup(name), strlen(name), v};
  reg->n++;
}

srv_ref_t *srv_registry_swap(srv_registry_t *reg, const char *name, srv_ref_t *v) {
  int found;
  srv_ref_t *old = NULL;
  char *dead = NULL;
  pthread_mutex_lock(&reg->lock);
  size_t i = find(reg, name, strlen(name), &found);
  if (found) {
    old = reg->e[i].v;
    if (v) {
      reg->e[i].v = v;
    } else {
      dead = reg->e[i].name;
      memmove(&reg->e[i], &reg->e[i + 1], (reg->n - i - 1) * sizeof *reg->e);
      reg->n--;
    }
  } else if (v) {
    insert_at(reg, i, name, v);
  }
  pthread_mutex_unlock(&reg->lock);
  free(dead);
  return old;
}

void srv_registry_list(srv_registry_t *reg, srv_registry_list_t *out) {
  pthread_mutex_lock(&reg->lock);
  out->count = reg->n;
  out->names = srv_calloc(reg->n, sizeof *out->names);
  out->versions = srv_calloc(reg->n, sizeof *out->versions);
  for (size_t i = 0; i < reg->n; i++) {
    out->names[i] = srv_strdup(reg->e[i].name);
    out->versions[i] = reg->e[i].v;
    srv_ref_retain(reg->e[i].v);
  }
  pthread_mutex_unlock(&reg->lock);
}

void srv_registry_list_free(srv_registry_list_t *list) {
  for (size_t i = 0; i < list->count; i++) {
    free(list->names[i]);
    srv_ref_release(list->versions[i]);
  }
  free(list->names);
  free(list->versions);
  *list = (srv_registry_list_t){0};
}

size_t srv_registry_count(srv_registry_t *reg) {
  pthread_mutex_lock(&reg->lock);
  size_t n = reg->n;
  pthread_mutex_unlock(&reg->lock);
  return n;
}
