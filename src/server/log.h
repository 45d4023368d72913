/* SPDX-License-Identifier: Apache-2.0 */
/*
** Log lines (prefix srv_log): one JSON object per line on stderr.
**
** Every request gets one access line:
**
**   {"time":"2026-11-28T10:00:00.123Z","method":"GET","path":"/hello",
**    "function":"hello","version":3,"status":200,"outcome":"ok",
**    "duration_us":41,"instance":"reused"}
**
** ("function", "version", "outcome" and "instance" only for function
** requests; "detail" when something failed, e.g. the trap and its
** backtrace). Daemon events (listening, deploys, drain) are lines with
** "level" and "msg". Each line is written with one write(2), so lines from
** different threads never interleave.
*/
#ifndef WB_SERVER_LOG_H
#define WB_SERVER_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "server/buf.h"

typedef enum srv_instance_use {
  SRV_INSTANCE_NONE = 0, /* no instance ran (not a function, rejected) */
  SRV_INSTANCE_REUSED,   /* a pooled instance, reset */
  SRV_INSTANCE_NEW,      /* made for this request */
} srv_instance_use_t;

typedef struct srv_log_entry {
  const char *method, *path; /* path as requested (query excluded) */
  const char *function;      /* NULL unless a function was invoked */
  uint32_t version;          /* the function version that ran (0: none) */
  int status;
  const char *outcome; /* NULL, or "ok", "error", "trap", "timeout", "busy" */
  uint64_t duration_us;
  srv_instance_use_t instance;
  const char *detail; /* NULL or what went wrong */
} srv_log_entry_t;

/* Appends the access line for e (ending in '\n') to out. */
void srv_log_format(srv_buf_t *out, const srv_log_entry_t *e);
/* Formats e and writes it to fd in one write. */
void srv_log_access(int fd, const srv_log_entry_t *e);
/* Writes {"time","level","msg"} to fd; msg is printf-formatted. */
void srv_log_event(int fd, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
