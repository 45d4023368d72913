/* SPDX-License-Identifier: Apache-2.0 */
/* The registry: sorted names, atomic swaps, and versions that live exactly
   as long as their last reference, also while threads get and swap at
   once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "server/registry.h"
#include "test.h"

typedef struct version {
  srv_ref_t ref;
  int id;
  atomic_int alive; /* 1 until destroyed; checked by readers */
} version_t;

static atomic_int destroyed;

static void destroy(srv_ref_t *r) {
  version_t *v = (version_t *)r;
  atomic_store(&v->alive, 0);
  atomic_fetch_add(&destroyed, 1);
  free(v);
}

static srv_ref_t *make(int id) {
  version_t *v = calloc(1, sizeof *v);
  srv_ref_init(&v->ref, destroy);
  v->id = id;
  atomic_init(&v->alive, 1);
  return &v->ref;
}

static int id_of(srv_ref_t *r) { return ((version_t *)r)->id; }

static void test_basic(void) {
  atomic_store(&destroyed, 0);
  srv_registry_t *reg = srv_registry_new();
  CHECK(srv_registry_get(reg, "a", 1) == NULL);
  CHECK(srv_registry_swap(reg, "b", make(1)) == NULL);
  CHECK(srv_registry_swap(reg, "a", make(2)) == NULL);
  CHECK(srv_registry_swap(reg, "c", make(3)) == NULL);
  CHECK_EQ(srv_registry_count(reg), 3);
  srv_ref_t *b = srv_registry_get(reg, "b", 1);
  CHECK(b && id_of(b) == 1);
  /* Replacing b: the old version lives while we hold it. */
  srv_ref_t *old = srv_registry_swap(reg, "b", make(4));
  CHECK(old == b);
  srv_ref_release(old);
  CHECK_EQ(atomic_load(&destroyed), 0);
  CHECK_EQ(id_of(b), 1);
  srv_ref_release(b);
  CHECK_EQ(atomic_load(&destroyed), 1);
  srv_ref_t *nb = srv_registry_get(reg, "bb", 1); /* length counts */
  CHECK(nb && id_of(nb) == 4);
  srv_ref_release(nb);
  CHECK(srv_registry_get(reg, "bb", 2) == NULL);
  srv_registry_list_t l;
  srv_registry_list(reg, &l);
  CHECK_EQ(l.count, 3);
  CHECK(strcmp(l.names[0], "a") == 0 && strcmp(l.names[1], "b") == 0 &&
        strcmp(l.names[2], "c") == 0);
  CHECK(id_of(l.versions[1]) == 4);
  /* Removing a name while a list holds its version. */
  srv_ref_release(srv_registry_swap(reg, "a", NULL));
  CHECK_EQ(srv_registry_count(reg), 2);
  CHECK(srv_registry_get(reg, "a", 1) == NULL);
  CHECK_EQ(atomic_load(&destroyed), 1);
  srv_registry_list_free(&l);
  CHECK_EQ(atomic_load(&destroyed), 2);
  CHECK(srv_registry_swap(reg, "zz", NULL) == NULL);
  srv_registry_delete(reg);
  CHECK_EQ(atomic_load(&destroyed), 4);
}

/* Readers get, check the version is alive, release; a writer swaps. No
   get may ever miss the name, and every version must be destroyed once. */
static srv_registry_t *shared;
static atomic_int stop, misses, dead_seen;

static void *reader(void *arg) {
  (void)arg;
  while (!atomic_load(&stop)) {
    srv_ref_t *v = srv_registry_get(shared, "f", 1);
    if (!v) {
      atomic_fetch_add(&misses, 1);
      continue;
    }
    if (!atomic_load(&((version_t *)v)->alive)) atomic_fetch_add(&dead_seen, 1);
    srv_ref_release(v);
  }
  return NULL;
}

static void test_concurrent(void) {
  atomic_store(&destroyed, 0);
  shared = srv_registry_new();
  srv_registry_swap(shared, "f", make(0));
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, reader, NULL);
  int swaps = 20000;
  for (int i = 1; i <= swaps; i++)
    srv_ref_release(srv_registry_swap(shared, "f", make(i)));
  atomic_store(&stop, 1);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  CHECK_EQ(atomic_load(&misses), 0);
  CHECK_EQ(atomic_load(&dead_seen), 0);
  CHECK_EQ(atomic_load(&destroyed), swaps);
  srv_registry_delete(shared);
  CHECK_EQ(atomic_load(&destroyed), swaps + 1);
}

TEST_MAIN("server_registry", test_basic, test_concurrent)
