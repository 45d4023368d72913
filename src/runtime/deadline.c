/* SPDX-License-Identifier: Apache-2.0 */
/*
** Deadlines: one watchdog thread per process sleeps until the earliest armed
** deadline and then raises the interrupt flag of the store it belongs to.
** The guest sees the flag at its next check (function entry or loop
** back-edge), so a call never needs a clock read on its hot path. Arming
** costs one lock; the watchdog is woken only when the new deadline is
** earlier than the time it already sleeps until, which for calls with
** equal timeouts is almost never: a deadline disarmed early just makes the
** watchdog wake once for nothing.
*/
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/rt.h"

typedef struct slot {
  uint64_t at;           /* CLOCK_MONOTONIC ns; 0 = free */
  _Atomic uint32_t *flag;
} slot_t;

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dl_cond;
static pthread_once_t dl_once = PTHREAD_ONCE_INIT;
static slot_t *dl_slots;
static uint32_t dl_n, dl_cap;
static uint64_t dl_wake = UINT64_MAX; /* when the watchdog wakes up next */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Fires every deadline that has passed; returns the earliest still armed. */
static uint64_t fire_due(uint64_t now) {
  uint64_t next = UINT64_MAX;
  for (uint32_t i = 0; i < dl_n; i++) {
    if (!dl_slots[i].at) continue;
    if (dl_slots[i].at <= now) {
      atomic_store_explicit(dl_slots[i].flag, RT_INTR_DEADLINE, memory_order_relaxed);
      dl_slots[i].at = 0;
    } else if (dl_slots[i].at < next) {
      next = dl_slots[i].at;
    }
  }
  return next;
}

static void *watchdog(void *arg) {
  (void)arg;
  pthread_mutex_lock(&dl_lock);
  for (;;) {
    uint64_t next = fire_due(now_ns());
    dl_wake = next;
    if (next == UINT64_MAX) {
      pthread_cond_wait(&dl_cond, &dl_lock);
      continue;
    }
    struct timespec ts = {(time_t)(next / 1000000000u), (long)(next % 1000000000u)};
    pthread_cond_timedwait(&dl_cond, &dl_lock, &ts);
  }
  return NULL;
}

static void start_watchdog(void) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&dl_cond, &ca);
  pthread_condattr_destroy(&ca);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t t;
  if (pthread_create(&t, &attr, watchdog, NULL) != 0) abort();
  pthread_attr_destroy(&attr);
}

uint32_t rt_deadline_arm(_Atomic uint32_t *flag, uint64_t timeout_ns) {
  pthread_once(&dl_once, start_watchdog);
  uint64_t now = now_ns();
  uint64_t at = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
  pthread_mutex_lock(&dl_lock);
  uint32_t i = 0;
  while (i < dl_n && dl_slots[i].at) i++;
  if (i == dl_n) {
    slot_t empty = {0, NULL};
    UT_PUSH(dl_slots, dl_n, dl_cap, empty);
  }
  dl_slots[i].at = at;
  dl_slots[i].flag = flag;
  if (at < dl_wake) {
    dl_wake = at;
    pthread_cond_signal(&dl_cond);
  }
  pthread_mutex_unlock(&dl_lock);
  return i;
}

void rt_deadline_disarm(uint32_t handle, _Atomic uint32_t *flag) {
  pthread_mutex_lock(&dl_lock);
  if (handle < dl_n && dl_slots[handle].flag == flag) dl_slots[handle].at = 0;
  pthread_mutex_unlock(&dl_lock);
  /* The watchdog writes only under the lock, so nothing can fire after this;
     a deadline that fired after the call ended must not hit the next one. */
  uint32_t expect = RT_INTR_DEADLINE;
  atomic_compare_exchange_strong(flag, &expect, 0);
}
