/* SPDX-License-Identifier: Apache-2.0 */
/*
** The daemon's shared state and the calls between its files (prefix srv_):
**
**   server.c    life cycle: engine, loading DIR, listening, signals, drain
**   dispatch.c  one request: routing, functions, errors, access log
**   deploy.c    deploys, removals and listings (the directory and the
**               admin API), serialised by one lock
**   stats.c     the metrics families, their collectors, JSON stats
*/
#ifndef WB_SERVER_DAEMON_H
#define WB_SERVER_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>

#include "server/admin.h"
#include "server/fn.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/registry.h"
#include "server/server.h"

/* The families every part updates. */
typedef struct srv_families {
  srv_family_t *invocations, *duration, *pool, *cache_hits, *cache_misses, *compile, *traps, *http,
      *deploys, *functions, *inflight, *rss, *cpu, *fds, *start_time;
} srv_families_t;

typedef struct srv_daemon {
  srv_options_t opts;
  wb_engine_t *engine;      /* JavaScript: the tier asked for */
  wb_engine_t *wasm_engine; /* WASI: interpreting, modules compiled one by one */
  srv_runtime_t rt;
  srv_registry_t *reg;
  srv_metrics_t *metrics;
  srv_families_t fam;
  srv_http_t *http;
  srv_admin_ops_t admin;
  pthread_mutex_t deploy_lock;
  atomic_bool draining;
  _Atomic(srv_cell_t *) status_cells[600]; /* http responses by status */
  double start_time;                       /* Unix time */
} srv_daemon_t;

/* dispatch.c: the HTTP handler's two calls. */
uint64_t srv_dispatch_body_limit(void *env, const char *method, const char *path);
void srv_dispatch(void *env, const srv_req_t *req, bool too_large, srv_resp_t *resp);

/* deploy.c */
/* Deploys code as name with cfg. Returns 0 or an HTTP status with *error;
 *replaced says whether an older version was live; *version the new one. */
int srv_deploy(srv_daemon_t *d, const char *name, srv_kind_t kind, const uint8_t *code, size_t len,
               const srv_config_t *cfg, bool *replaced, srv_fn_t **out, char **error);
/* Deploys every NAME.js and NAME.wasm of the directory (NAME.json for
   settings). Returns how many failed (each reported on stderr). */
int srv_load_dir(srv_daemon_t *d, const char *dir);
/* The admin API's operations on d. */
void srv_admin_ops_init(srv_daemon_t *d);

/* stats.c */
void srv_stats_init(srv_daemon_t *d);
/* Sets fn's cached cells (invocations by outcome, duration). */
void srv_stats_attach(srv_daemon_t *d, srv_fn_t *fn);
/* Counts a response of this status. */
void srv_stats_status(srv_daemon_t *d, int status);
/* Appends fn as the JSON object of the admin listing. */
void srv_stats_fn_json(srv_fn_t *fn, srv_buf_t *out);

#endif
