/* SPDX-License-Identifier: Apache-2.0 */
/*
** Clocks and sleeping. `clock granted`: every clock works, monotonic time
** moves forward, nanosleep sleeps, poll_oneoff fires the earliest clock
** and reports a ready descriptor. `clock denied`: every clock call fails
** with ENOTCAPABLE (76) and sleeping fails.
*/
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

/* Two clock subscriptions (10 ms and 5 s): only the first fires. */
static void poll_clocks(void) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 10 * 1000000ull;
  subs[1] = subs[0];
  subs[1].userdata = 22;
  subs[1].u.u.clock.timeout = 5000 * 1000000ull;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK(n == 1 && ev[0].userdata == 11 && ev[0].error == 0 &&
        ev[0].type == __WASI_EVENTTYPE_CLOCK);
}

/* A write subscription on stdout is ready at once, before a 5 s clock. */
static void poll_fd(void) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 5000 * 1000000ull;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK(n == 1 && ev[0].userdata == 2 && ev[0].type == __WASI_EVENTTYPE_FD_WRITE);
  /* A bad descriptor is an event with EBADF, not a failed call. */
  subs[1].u.u.fd_write.file_descriptor = 77;
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK(n == 1 && ev[0].userdata == 2 && ev[0].error == __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_poll_oneoff(subs, ev, 0, &n), __WASI_ERRNO_INVAL);
}

static void granted(void) {
  struct timespec a, b, r;
  CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec > 1600000000);
  CHECK(time(NULL) > 1600000000);
  CHECK(clock_getres(CLOCK_MONOTONIC, &r) == 0 && ns(r) > 0 && ns(r) <= 1000000);
  CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0);
  CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
  struct timespec nap = {0, 20 * 1000000};
  CHECK(nanosleep(&nap, NULL) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
  CHECK(ns(b) - ns(a) >= 20 * 1000000LL);
  CHECK(usleep(1000) == 0);
  __wasi_timestamp_t t;
  CHECK_WASI(__wasi_clock_time_get(99, 1, &t), __WASI_ERRNO_INVAL);
  poll_clocks();
  poll_fd();
  puts("clock granted: ok");
}

static void denied(void) {
  struct timespec a;
  CHECK_ERRNO(clock_gettime(CLOCK_REALTIME, &a), 76);
  CHECK_ERRNO(clock_gettime(CLOCK_MONOTONIC, &a), 76);
  CHECK_ERRNO(clock_getres(CLOCK_MONOTONIC, &a), 76);
  __wasi_timestamp_t t;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t), 76);
  struct timespec nap = {0, 1000000};
  CHECK(nanosleep(&nap, NULL) != 0);
  /* The clock subscription comes back at once, carrying the error. */
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 5;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = 3600ull * 1000000000ull;
  __wasi_event_t ev;
  __wasi_size_t n = 0;
  CHECK_WASI(__wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
  CHECK(n == 1 && ev.userdata == 5 && ev.error == 76);
  puts("clock denied: ok");
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "granted") == 0)
    granted();
  else
    denied();
  return 0;
}
