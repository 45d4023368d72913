/* SPDX-License-Identifier: Apache-2.0 */
/*
** The function registry (prefix srv_registry, srv_ref): name -> the live
** version of a function, swapped atomically.
**
** Versions are reference counted. The registry holds one reference to the
** live version of each name; a request takes its own with
** srv_registry_get and drops it when done. Deploying swaps the pointer
** under the registry's lock and drops the registry's reference to the old
** version, so requests that started on the old version finish on it, and
** the old version is destroyed by whoever drops the last reference (often
** the last of those requests), never while in use.
**
** The registry does not know what a version is: anything that starts with
** an srv_ref_t (its destroy callback frees it) can be registered, which
** keeps this file testable on its own.
*/
#ifndef WB_SERVER_REGISTRY_H
#define WB_SERVER_REGISTRY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct srv_ref {
  atomic_uint_fast32_t count;
  void (*destroy)(struct srv_ref *self); /* called when count reaches 0 */
} srv_ref_t;

/* Sets the count to 1 (the creator's reference). */
void srv_ref_init(srv_ref_t *r, void (*destroy)(srv_ref_t *self));
void srv_ref_retain(srv_ref_t *r);
/* Drops a reference; the last one destroys the object. NULL is allowed. */
void srv_ref_release(srv_ref_t *r);

typedef struct srv_registry srv_registry_t;

/* Makes an empty registry; the caller owns it. */
srv_registry_t *srv_registry_new(void);
/* Drops the registry's references and frees it. */
void srv_registry_delete(srv_registry_t *reg);

/* The live version of name[0..len) with a new reference the caller must
   release, or NULL when there is none. Thread-safe. */
srv_ref_t *srv_registry_get(srv_registry_t *reg, const char *name, size_t len);

/* Makes v the live version of name (NULL removes the name), taking over the
   caller's reference to v. Returns the previous version with the
   registry's reference, now the caller's to release, or NULL. Thread-safe;
   a concurrent get sees either the old or the new version, never neither. */
srv_ref_t *srv_registry_swap(srv_registry_t *reg, const char *name, srv_ref_t *v);

/* A consistent list of the registry, sorted by name: *names (strings owned)
   and *versions (each with a reference) of *count entries. Free with
   srv_registry_list_free. */
typedef struct srv_registry_list {
  char **names;
  srv_ref_t **versions;
  size_t count;
} srv_registry_list_t;
void srv_registry_list(srv_registry_t *reg, srv_registry_list_t *out);
void srv_registry_list_free(srv_registry_list_t *list);

/* Number of names. */
size_t srv_registry_count(srv_registry_t *reg);

#endif
