/* SPDX-License-Identifier: Apache-2.0 */
/*
** poll_oneoff for the JavaScript guest. The runner waits for its earliest
** timer with poll_oneoff; WASI's own version sleeps in the host, where the
** store's deadline cannot reach it (the interrupt flag is checked only in
** guest code), so `await sleep(60000)` under a 5 s timeout would hold its
** instance for a minute. This one knows the deadline of the invocation
** running on the calling thread (set by function.c before it calls the
** guest) and, when the wait would pass it, sleeps until the deadline and
** traps with WB_TRAP_INTERRUPT, exactly as guest code would have.
**
** The guest has no descriptors to wait on (no files, no sockets; stdio
** only), so descriptor subscriptions are answered at once with EBADF.
**
**   subscription (48 bytes): userdata u64 @0, tag u8 @8 (0 clock, 1 read,
**     2 write); clock: id u32 @16, timeout u64 @24, precision u64 @32,
**     flags u16 @40 (1: absolute time)
**   event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10
*/
#include <errno.h>
#include <string.h>
#include <time.h>

#include "js/js.h"

#define SUB_SIZE 48
#define EVENT_SIZE 32
#define TAG_CLOCK 0
#define CLOCK_ABSTIME 1
#define WASI_EBADF 8
#define WASI_EFAULT 21
#define WASI_EINVAL 28

static _Thread_local uint64_t deadline_ns; /* absolute monotonic; 0: none */

void js_poll_deadline_set(uint64_t timeout_ns) {
  deadline_ns = timeout_ns ? js_now_ns() + timeout_ns : 0;
}

static uint64_t ld64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8); /* wasm is little-endian, as are the hosts we run on */
  return v;
}

static uint64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds from now until the clock subscription at s fires. */
static uint64_t sub_wait(const uint8_t *s) {
  uint32_t id;
  memcpy(&id, s + 16, 4);
  uint64_t timeout = ld64(s + 24);
  uint16_t flags;
  memcpy(&flags, s + 40, 2);
  if (!(flags & CLOCK_ABSTIME)) return timeout;
  uint64_t now = clock_ns(id == 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC);
  return timeout > now ? timeout - now : 0;
}

/* Sleeps until the absolute monotonic time `until`. */
static void sleep_until(uint64_t until) {
  struct timespec ts = {.tv_sec = (time_t)(until / 1000000000u),
                        .tv_nsec = (long)(until % 1000000000u)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

static void put_event(uint8_t *ev, const uint8_t *sub, uint16_t error) {
  memset(ev, 0, EVENT_SIZE);
  memcpy(ev, sub, 8); /* userdata */
  memcpy(ev + 8, &error, 2);
  ev[10] = sub[8]; /* type = the subscription's tag */
}

/* Writes the events due after a wait of `waited` ns; returns their count. */
static uint32_t collect(const uint8_t *in, uint8_t *out, uint32_t n, const uint64_t *waits,
                        uint64_t waited) {
  uint32_t nev = 0;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *s = in + (size_t)i * SUB_SIZE;
    bool clock = s[8] == TAG_CLOCK;
    if (clock && waits[i] > waited) continue;
    put_event(out + (size_t)nev++ * EVENT_SIZE, s, clock ? 0 : WASI_EBADF);
  }
  return nev;
}

#define POLL_MAX_SUBS 64 /* the runner waits for one timer at a time */

/* poll_oneoff(in, out, nsubscriptions, nevents_ptr) -> errno. */
static wb_trap_t *poll_cb(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                          wb_val_t *results, size_t nresults) {
  (void)env, (void)nargs, (void)nresults;
  wb_memory_t *mem = wb_caller_memory(caller);
  uint64_t size = mem ? wb_memory_data_size(mem) : 0;
  uint32_t in = (uint32_t)args[0].of.i32, out = (uint32_t)args[1].of.i32;
  uint32_t n = (uint32_t)args[2].of.i32, nev_at = (uint32_t)args[3].of.i32;
  results[0].of.i32 = WASI_EINVAL;
  if (n == 0 || n > POLL_MAX_SUBS) return NULL;
  results[0].of.i32 = WASI_EFAULT;
  if ((uint64_t)in + (uint64_t)n * SUB_SIZE > size ||
      (uint64_t)out + (uint64_t)n * EVENT_SIZE > size || (uint64_t)nev_at + 4 > size)
    return NULL;
  uint8_t *base = wb_memory_data(mem);
  uint64_t waits[POLL_MAX_SUBS], wait = UINT64_MAX;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *s = base + in + (size_t)i * SUB_SIZE;
    waits[i] = s[8] == TAG_CLOCK ? sub_wait(s) : 0;
    if (waits[i] < wait) wait = waits[i];
  }
  uint64_t now = js_now_ns(), until = wait > UINT64_MAX - now ? UINT64_MAX : now + wait;
  if (deadline_ns && until >= deadline_ns) {
    sleep_until(deadline_ns);
    return wb_trap_new(WB_TRAP_INTERRUPT, "deadline exceeded");
  }
  if (wait) sleep_until(until);
  uint32_t nev = collect(base + in, base + out, n, waits, wait);
  memcpy(base + nev_at, &nev, 4);
  results[0].of.i32 = 0;
  return NULL;
}

wb_error_t *js_poll_link(wb_linker_t *linker) {
  wb_valkind_t params[4] = {WB_I32, WB_I32, WB_I32, WB_I32}, result = WB_I32;
  wb_functype_t *type = wb_functype_new(params, 4, &result, 1);
  wb_error_t *err = wb_linker_define_func(linker, "wasi_snapshot_preview1", "poll_oneoff", type,
                                          poll_cb, NULL, NULL);
  wb_functype_delete(type);
  return err;
}
