/* SPDX-License-Identifier: Apache-2.0 */
/*
** Instance pools: a LIFO stack of idle instances of one template, each in
** its own store (a store runs on one thread at a time, and pooled instances
** run on many). The most recently released instance is lent first: its
** pages and page tables are the likeliest to still be warm.
**
** Release resets the instance to the template before it becomes idle, so
** nothing a call did (memory, globals, tables, dropped segments, a trap
** halfway through an update) is ever seen by the next borrower.
*/
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/template.h"

struct wb_pooled {
  wb_store_t *store;
  wb_instance_t *inst;
  wb_pooled_t *next; /* idle list */
};

struct wb_pool {
  wb_template_t *tmpl;
  wb_pool_config_t cfg;
  pthread_mutex_t lock;
  pthread_cond_t released;
  wb_pooled_t *idle;
  uint32_t nidle, nactive;
  uint64_t created, reset, discarded;
};

wb_pool_t *wb_pool_new(wb_template_t *tmpl, const wb_pool_config_t *cfg) {
  wb_pool_t *p = ut_calloc(1, sizeof *p);
  p->tmpl = tmpl;
  if (cfg) p->cfg = *cfg;
  pthread_mutex_init(&p->lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&p->released, &ca);
  pthread_condattr_destroy(&ca);
  return p;
}

static void pooled_free(wb_pooled_t *pi) {
  wb_store_delete(pi->store);
  free(pi);
}

void wb_pool_delete(wb_pool_t *pool) {
  if (!pool) return;
  while (pool->idle) {
    wb_pooled_t *pi = pool->idle;
    pool->idle = pi->next;
    pooled_free(pi);
  }
  pthread_cond_destroy(&pool->released);
  pthread_mutex_destroy(&pool->lock);
  free(pool);
}

/* A new instance in a new store, with the pool's limits. */
static wb_error_t *pooled_new(wb_pool_t *pool, wb_pooled_t **out) {
  wb_pooled_t *pi = ut_calloc(1, sizeof *pi);
  pi->store = wb_store_new(pool->tmpl->engine);
  if (!pi->store) {
    free(pi);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "cannot make a store");
  }
  wb_store_limits_set(pi->store, &pool->cfg.limits);
  wb_store_deadline_set(pi->store, pool->cfg.deadline_ns);
  wb_error_t *err = wb_template_instantiate(pool->tmpl, pi->store, &pi->inst);
  if (err) {
    pooled_free(pi);
    return err;
  }
  *out = pi;
  return NULL;
}

/* Absolute CLOCK_MONOTONIC time timeout_ns from now. */
static struct timespec deadline_in(uint64_t timeout_ns) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t ns = (uint64_t)ts.tv_nsec + timeout_ns % 1000000000u;
  ts.tv_sec += (time_t)(timeout_ns / 1000000000u + ns / 1000000000u);
  ts.tv_nsec = (long)(ns % 1000000000u);
  return ts;
}

/* Under the lock: an idle instance, a reservation to make one (*make), or
   false once the wait is over. */
static bool take_slot(wb_pool_t *pool, uint64_t timeout_ns, wb_pooled_t **pi, bool *make) {
  bool forever = timeout_ns == UINT64_MAX;
  struct timespec until = deadline_in(forever ? 0 : timeout_ns);
  for (;;) {
    if (pool->idle) {
      *pi = pool->idle;
      pool->idle = (*pi)->next;
      pool->nidle--;
      pool->nactive++;
      return true;
    }
    if (!pool->cfg.max_instances || pool->nactive + pool->nidle < pool->cfg.max_instances) {
      pool->nactive++;
      *make = true;
      return true;
    }
    if (!timeout_ns) return false;
    int rc = forever ? pthread_cond_wait(&pool->released, &pool->lock)
                     : pthread_cond_timedwait(&pool->released, &pool->lock, &until);
    if (rc == ETIMEDOUT) return false;
  }
}

wb_error_t *wb_pool_acquire(wb_pool_t *pool, uint64_t timeout_ns, wb_pooled_t **out) {
  wb_pooled_t *pi = NULL;
  bool make = false;
  *out = NULL;
  pthread_mutex_lock(&pool->lock);
  bool got = take_slot(pool, timeout_ns, &pi, &make);
  pthread_mutex_unlock(&pool->lock);
  if (!got)
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "pool exhausted: %u instances in use",
                        pool->cfg.max_instances);
  if (make) {
    wb_error_t *err = pooled_new(pool, &pi);
    pthread_mutex_lock(&pool->lock);
    if (err) {
      pool->nactive--;
      pthread_cond_signal(&pool->released);
    } else {
      pool->created++;
    }
    pthread_mutex_unlock(&pool->lock);
    if (err) return err;
  }
  if (pool->cfg.fuel) wb_store_fuel_set(pi->store, pool->cfg.fuel);
  *out = pi;
  return NULL;
}

wb_instance_t *wb_pooled_instance(wb_pooled_t *pooled) { return pooled->inst; }
wb_store_t *wb_pooled_store(wb_pooled_t *pooled) { return pooled->store; }

/* Clears what a call may have left in the store's execution state. */
static void reset_exec(rt_exec_t *ex) {
  atomic_store_explicit(&ex->interrupt, 0, memory_order_relaxed);
  wb_trap_delete(ex->host_trap);
  ex->host_trap = NULL;
  ex->ntrace = 0;
  ex->depth = 0;
  ex->sp = ex->stack;
}

void wb_pool_release(wb_pool_t *pool, wb_pooled_t *pooled) {
  reset_exec(&pooled->store->exec);
  bool ok = rt_template_reset(pool->tmpl, pooled->inst) == 0;
  if (!ok) pooled_free(pooled);
  pthread_mutex_lock(&pool->lock);
  pool->nactive--;
  if (ok) {
    pooled->next = pool->idle;
    pool->idle = pooled;
    pool->nidle++;
    pool->reset++;
  } else {
    pool->discarded++;
  }
  pthread_cond_signal(&pool->released);
  pthread_mutex_unlock(&pool->lock);
}

void wb_pool_stats(wb_pool_t *pool, wb_pool_stats_t *out) {
  pthread_mutex_lock(&pool->lock);
  *out = (wb_pool_stats_t){pool->nidle, pool->nactive, pool->created, pool->reset,
                           pool->discarded};
  pthread_mutex_unlock(&pool->lock);
}
