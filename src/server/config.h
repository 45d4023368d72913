/* SPDX-License-Identifier: Apache-2.0 */
/*
** A function's settings (prefix srv_config): limits and environment, from
** DIR/NAME.json, from the admin API's query parameters, or the defaults.
**
**   {
**     "max_memory": "32M",      memory per instance (bytes, or with K/M/G)
**     "timeout": "5s",          wall time per request (ms, or with us/ms/s/m)
**     "max_instances": 2,       instances at once; 0 = one per worker
**     "queue": 16,              requests that may wait for an instance
**                               beyond those running (more: 503)
**     "max_body": "1M",         request body limit (more: 413)
**     "max_output": "16M",      response limit (WASI stdout; more: 500)
**     "env": {"GREETING": "hi"} variables (WASI environment, JS env)
**   }
**
** Every key is optional; an unknown key, a wrong type or a value out of
** range is an error naming the key (a typo must not silently fall back to
** a default).
*/
#ifndef WB_SERVER_CONFIG_H
#define WB_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/buf.h"

typedef struct srv_config {
  uint64_t max_memory; /* bytes */
  uint64_t timeout_ns;
  uint32_t max_instances; /* 0: one per worker thread */
  uint32_t queue;
  uint64_t max_body;
  uint64_t max_output;
  srv_strv_t env; /* NAME=VALUE, owned */
} srv_config_t;

#define SRV_DEFAULT_MAX_MEMORY (32u << 20)
#define SRV_DEFAULT_TIMEOUT_NS (5000000000ull)
#define SRV_DEFAULT_QUEUE 64u
#define SRV_DEFAULT_MAX_BODY (1u << 20)
#define SRV_DEFAULT_MAX_OUTPUT (16u << 20)

/* Fills c with the defaults (c holds nothing owned before). */
void srv_config_defaults(srv_config_t *c);
/* Deep copy into dst (which holds nothing owned before). */
void srv_config_copy(srv_config_t *dst, const srv_config_t *src);
void srv_config_free(srv_config_t *c);

/* Applies a JSON object to c. Returns 0, or -1 with *error (owned) saying
   which key is wrong; c may then be partly updated. */
int srv_config_json(srv_config_t *c, const char *text, size_t len, char **error);
/* Applies one key given as text (as in a query string: sizes and durations
   with units or bare numbers). "env" is not settable this way. Returns 0,
   1 when key is not a setting, or -1 with *error (owned). */
int srv_config_set(srv_config_t *c, const char *key, const char *value, char **error);
/* Appends c as a JSON object. */
void srv_config_write_json(const srv_config_t *c, srv_buf_t *out);

/* "32M", "64KiB", "1G", "1048576" -> bytes (K = 1024). Returns false when
   the text is not a size or overflows. */
bool srv_parse_size(const char *text, uint64_t *bytes);
/* "5s", "250ms", "100us", "2m", "1h", "750" (milliseconds) -> ns. */
bool srv_parse_duration(const char *text, uint64_t *ns);

#endif
