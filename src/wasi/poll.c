/* SPDX-License-Identifier: Apache-2.0 */
/*
** poll_oneoff: waits for clock deadlines and descriptor readiness with one
** ppoll(2). Subscriptions that can be answered at once (a bad descriptor,
** a clock without the clock grant) become events with an error and make
** the wait non-blocking, as the WASI specification describes.
*/
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "util/util.h"
#include "wasi/wasi_int.h"

/* What one subscription became. */
typedef struct sub {
  uint64_t userdata;
  uint8_t type;    /* WASI_EVENT_* */
  uint16_t error;  /* answered at once with this error when nonzero */
  bool is_clock;
  bool ready;      /* a stream in memory: answered at once with nbytes */
  bool hangup;
  uint64_t nbytes;
  uint64_t rel_ns; /* clocks: nanoseconds from the start of the call */
  int pfd;         /* descriptors: index in the pollfd array */
} sub_t;

/* The state of one call. */
typedef struct poll_state {
  sub_t *subs;
  struct pollfd *pfds;
  uint32_t n, npfd;
  bool immediate;   /* some subscription is answered without waiting */
  bool has_clock;
  uint64_t wait_ns; /* the earliest clock deadline */
} poll_state_t;

/* Reads a clock subscription at p (the union starts at p + 16). */
static void read_clock(wasi_t *w, const wasi_mem_t *m, uint32_t p, poll_state_t *ps, sub_t *s) {
  uint32_t id = 0;
  uint64_t timeout = 0, now = 0;
  uint32_t flags = 0;
  wasi_load_u32(m, p + 16, &id);
  wasi_load_u64(m, p + 24, &timeout);
  wasi_load_u32(m, p + 40, &flags); /* u16 flags + padding */
  flags &= 0xffff;
  s->is_clock = true;
  if (!w->clocks) {
    s->error = WASI_ENOTCAPABLE;
  } else if ((s->error = wasi_clock_now(id, &now)) == WASI_ESUCCESS) {
    if (flags & WASI_SUBCLOCK_ABSTIME)
      s->rel_ns = timeout > now ? timeout - now : 0;
    else
      s->rel_ns = timeout;
    if (!ps->has_clock || s->rel_ns < ps->wait_ns) ps->wait_ns = s->rel_ns;
    ps->has_clock = true;
    return;
  }
  ps->immediate = true;
}

/* Reads a descriptor subscription at p. */
static void read_fd(wasi_t *w, const wasi_mem_t *m, uint32_t p, poll_state_t *ps, sub_t *s) {
  uint32_t fd = 0;
  wasi_load_u32(m, p + 16, &fd);
  bool rd = s->type == WASI_EVENT_FD_READ;
  wasi_fd_t *f = wasi_fd_get(w, fd, rd ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE, &s->error);
  if (!f) {
    ps->immediate = true;
    return;
  }
  if (wasi_fd_is_mem(f)) { /* always ready: bytes are there or input ended */
    s->ready = ps->immediate = true;
    s->nbytes = wasi_stream_available(f, &s->hangup);
    return;
  }
  s->pfd = (int)ps->npfd;
  ps->pfds[ps->npfd++] = (struct pollfd){.fd = f->host, .events = rd ? POLLIN : POLLOUT};
}

/* Reads every subscription; EINVAL for an unknown kind. */
static uint16_t read_subs(wasi_t *w, const wasi_mem_t *m, uint32_t in, poll_state_t *ps) {
  for (uint32_t i = 0; i < ps->n; i++) {
    uint32_t p = in + i * WASI_SIZEOF_SUBSCRIPTION;
    sub_t *s = &ps->subs[i];
    *s = (sub_t){.pfd = -1};
    wasi_load_u64(m, p, &s->userdata);
    s->type = *wasi_mem_at(m, p + 8);
    if (s->type == WASI_EVENT_CLOCK)
      read_clock(w, m, p, ps, s);
    else if (s->type == WASI_EVENT_FD_READ || s->type == WASI_EVENT_FD_WRITE)
      read_fd(w, m, p, ps, s);
    else
      return WASI_EINVAL;
  }
  return WASI_ESUCCESS;
}

/* Writes event k for subscription s. */
static void put_event(wasi_mem_t *m, uint32_t out, uint32_t k, const sub_t *s, uint16_t error,
                      uint64_t nbytes, uint16_t flags) {
  uint32_t p = out + k * WASI_SIZEOF_EVENT;
  memset(wasi_mem_at(m, p), 0, WASI_SIZEOF_EVENT);
  wasi_store_u64(m, p, s->userdata);
  wasi_store_u16(m, p + 8, error);
  wasi_store_u8(m, p + 10, s->type);
  wasi_store_u64(m, p + 16, nbytes);
  wasi_store_u16(m, p + 24, flags);
}

/* Turns the outcome of the wait into events; returns how many. */
static uint32_t collect(wasi_mem_t *m, uint32_t out, const poll_state_t *ps, bool timed_out,
                        uint64_t elapsed) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < ps->n; i++) {
    const sub_t *s = &ps->subs[i];
    if (s->error) {
      put_event(m, out, k++, s, s->error, 0, 0);
    } else if (s->ready) {
      put_event(m, out, k++, s, 0, s->nbytes, s->hangup ? WASI_EVENTRW_HANGUP : 0);
    } else if (s->is_clock) {
      if (s->rel_ns <= elapsed || (timed_out && s->rel_ns == ps->wait_ns))
        put_event(m, out, k++, s, 0, 0, 0);
    } else {
      const struct pollfd *pf = &ps->pfds[s->pfd];
      if (!pf->revents) continue;
      int avail = 0;
      if (s->type == WASI_EVENT_FD_READ && ioctl(pf->fd, FIONREAD, &avail) < 0) avail = 0;
      uint16_t err = (pf->revents & POLLNVAL) ? WASI_EBADF : 0;
      uint16_t flags = (pf->revents & POLLHUP) ? WASI_EVENTRW_HANGUP : 0;
      put_event(m, out, k++, s, err, avail > 0 ? (uint64_t)avail : 0, flags);
    }
  }
  return k;
}

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How long the call may wait: 0 when something is answered at once, the
   earliest clock otherwise, UINT64_MAX (forever) for descriptors only;
   cut to the state's wait limit, *cut saying whether that happened. */
static uint64_t wait_for(const wasi_t *w, const poll_state_t *ps, uint64_t start, bool *cut) {
  uint64_t wait = ps->immediate ? 0 : ps->has_clock ? ps->wait_ns : UINT64_MAX;
  uint64_t room = w->wait_until > start ? w->wait_until - start : 0;
  *cut = w->wait_until != UINT64_MAX && wait > room;
  return *cut ? room : wait;
}

/* One ppoll for at most wait nanoseconds (UINT64_MAX: no timeout). */
static int wait_events(poll_state_t *ps, uint64_t wait) {
  struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
  return ppoll(ps->pfds, ps->npfd, wait == UINT64_MAX ? NULL : &ts, NULL);
}

/* poll_oneoff(in, out, nsubscriptions, *nevents). A wait cut short by
   the state's wait limit that saw no event ends the guest: returning
   early would make a sleep return too soon. */
uint16_t wasi_poll_oneoff(wasi_t *w, wasi_mem_t *m, const wb_val_t *a) {
  uint32_t in = wasi_u32(a, 0), out = wasi_u32(a, 1), n = wasi_u32(a, 2), nout = wasi_u32(a, 3);
  if (n == 0) return WASI_EINVAL;
  if (!wasi_mem_ok(m, in, (uint64_t)n * WASI_SIZEOF_SUBSCRIPTION) ||
      !wasi_mem_ok(m, out, (uint64_t)n * WASI_SIZEOF_EVENT) || !wasi_mem_ok(m, nout, 4))
    return WASI_EFAULT;
  /* n is bounded by the memory size over 48, so these allocations are too. */
  poll_state_t ps = {.subs = ut_calloc(n, sizeof(sub_t)),
                     .pfds = ut_calloc(n, sizeof(struct pollfd)), .n = n};
  uint64_t start = mono_ns();
  uint16_t err = read_subs(w, m, in, &ps);
  bool cut = false;
  int r = 0;
  if (!err) {
    r = wait_events(&ps, wait_for(w, &ps, start, &cut));
    if (r < 0) err = wasi_errno(errno);
  }
  if (!err && cut && r == 0) {
    m->trap = wb_trap_new(WB_TRAP_INTERRUPT, "poll_oneoff: the wait passed the wait limit");
    err = WASI_ETIMEDOUT; /* never seen: the trap ends the guest */
  } else if (!err) {
    uint32_t k = collect(m, out, &ps, r == 0 && !ps.immediate, mono_ns() - start);
    wasi_store_u32(m, nout, k);
  }
  free(ps.subs);
  free(ps.pfds);
  return err;
}
