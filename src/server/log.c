/* SPDX-License-Identifier: Apache-2.0 */
#include "server/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "time":"YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, wall clock). The text of the
   current second is kept per thread: formatting a date costs more than
   the rest of a log line. */
static void add_time(srv_buf_t *out) {
  static _Thread_local time_t cached_sec = -1;
  static _Thread_local char cached[24];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (ts.tv_sec != cached_sec) {
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_sec = ts.tv_sec;
  }
  unsigned ms = (unsigned)(ts.tv_nsec / 1000000);
  char frac[6] = {
      '.', (char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 'Z', '"'};
  srv_buf_adds(out, "{\"time\":\"");
  srv_buf_adds(out, cached);
  srv_buf_add(out, frac, sizeof frac);
}

/* ,"key": then the value; keys are plain ASCII. */
static void add_key(srv_buf_t *out, const char *key) {
  srv_buf_adds(out, ",\"");
  srv_buf_adds(out, key);
  srv_buf_add(out, "\":", 2);
}

static void add_str(srv_buf_t *out, const char *key, const char *value) {
  add_key(out, key);
  srv_buf_json_str(out, value, strlen(value));
}

static void add_num(srv_buf_t *out, const char *key, uint64_t v) {
  add_key(out, key);
  srv_buf_addu(out, v);
}

static const char *instance_name(srv_instance_use_t u) {
  return u == SRV_INSTANCE_NEW ? "new" : "reused";
}

void srv_log_format(srv_buf_t *out, const srv_log_entry_t *e) {
  add_time(out);
  add_str(out, "method", e->method ? e->method : "");
  add_str(out, "path", e->path ? e->path : "");
  if (e->function) {
    add_str(out, "function", e->function);
    if (e->version) add_num(out, "version", e->version);
  }
  add_num(out, "status", (uint64_t)(e->status > 0 ? e->status : 0));
  if (e->outcome) add_str(out, "outcome", e->outcome);
  add_num(out, "duration_us", e->duration_us);
  if (e->instance != SRV_INSTANCE_NONE) add_str(out, "instance", instance_name(e->instance));
  if (e->detail) add_str(out, "detail", e->detail);
  srv_buf_adds(out, "}\n");
}

/* One write; a short write (a full pipe) is finished, errors dropped: a
   log that cannot be written must not take requests down with it. */
static void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

void srv_log_access(int fd, const srv_log_entry_t *e) {
  srv_buf_t b = {0};
  srv_buf_reserve(&b, 256);
  srv_log_format(&b, e);
  write_all(fd, b.data, b.len);
  srv_buf_free(&b);
}

void srv_log_event(int fd, const char *level, const char *fmt, ...) {
  srv_buf_t b = {0};
  add_time(&b);
  add_str(&b, "level", level);
  srv_buf_t msg = {0};
  va_list ap;
  va_start(ap, fmt);
  srv_buf_vprintf(&msg, fmt, ap);
  va_end(ap);
  srv_buf_adds(&b, ",\"msg\":");
  srv_buf_json_str(&b, msg.data ? msg.data : "", msg.len);
  srv_buf_free(&msg);
  srv_buf_adds(&b, "}\n");
  write_all(fd, b.data, b.len);
  srv_buf_free(&b);
}
