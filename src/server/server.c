/* SPDX-License-Identifier: Apache-2.0 */
/*
** The daemon's life: make the engine and the shared state, deploy the
** functions directory, listen, then wait for SIGTERM or SIGINT in the
** main thread (blocked in every other thread, which inherit the mask).
** On the signal: stop accepting, let the requests in flight finish (up to
** the drain timeout; a second signal cuts it short), stop the workers,
** free everything, exit 0.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "server/daemon.h"
#include "server/log.h"

void srv_options_defaults(srv_options_t *o) {
  *o = (srv_options_t){.listen = "127.0.0.1:8787",
                       .engine = WB_ENGINE_AOT,
                       .drain_timeout_ns = 30000000000ull,
                       .max_deploy_bytes = 64u << 20,
                       .idle_timeout = 30};
}

static unsigned cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

static wb_engine_t *engine_new(wb_engine_kind_t kind) {
  wb_config_t *cfg = wb_config_new();
  wb_config_engine_set(cfg, kind);
  return wb_engine_new(cfg);
}

static void daemon_init(srv_daemon_t *d, const srv_options_t *o) {
  memset(d, 0, sizeof *d);
  d->opts = *o;
  if (!d->opts.workers) d->opts.workers = cpu_count();
  if (d->opts.admin_token && !*d->opts.admin_token) d->opts.admin_token = NULL;
  d->engine = engine_new(o->engine);
  /* --engine aot: WASI modules are compiled explicitly at deploy on an
     interpreting engine, so that one that cannot be compiled still runs. */
  bool aot = o->engine == WB_ENGINE_AOT;
  d->wasm_engine = aot ? engine_new(WB_ENGINE_INTERP) : d->engine;
  srv_runtime_init(&d->rt, d->engine, d->wasm_engine, aot, d->opts.workers);
  d->reg = srv_registry_new();
  d->metrics = srv_metrics_new();
  pthread_mutex_init(&d->deploy_lock, NULL);
  atomic_init(&d->draining, false);
  d->start_time = (double)time(NULL);
  srv_stats_init(d);
  srv_admin_ops_init(d);
}

static void daemon_fini(srv_daemon_t *d) {
  srv_registry_delete(d->reg); /* the last references: versions go */
  srv_runtime_fini(&d->rt);
  srv_metrics_delete(d->metrics);
  pthread_mutex_destroy(&d->deploy_lock);
  if (d->wasm_engine != d->engine) wb_engine_delete(d->wasm_engine);
  wb_engine_delete(d->engine);
}

static bool start_http(srv_daemon_t *d) {
  srv_http_config_t hc = {
      .listen = d->opts.listen, .workers = d->opts.workers, .idle_timeout = d->opts.idle_timeout};
  srv_http_handler_t h = {d, srv_dispatch_body_limit, srv_dispatch};
  char *error = NULL;
  d->http = srv_http_start(&hc, &h, &error);
  if (!d->http) {
    fprintf(stderr, "wasmbox: %s\n", error);
    free(error);
    return false;
  }
  /* The first line on stdout: scripts and tests read the port here. */
  printf("listening on %s\n", srv_http_address(d->http));
  fflush(stdout);
  srv_log_event(2, "info", "listening on %s (%u workers, %zu functions, admin API %s)",
                srv_http_address(d->http), d->opts.workers, srv_registry_count(d->reg),
                d->opts.admin_token ? "on" : "off");
  return true;
}

/* Waits for the requests in flight, polling; a second signal ends the
   wait at once. */
static void drain(srv_daemon_t *d, const sigset_t *signals) {
  atomic_store(&d->draining, true);
  srv_http_quiesce(d->http);
  srv_log_event(2, "info", "draining %u requests in flight", srv_http_inflight(d->http));
  uint64_t until = srv_now_ns() + d->opts.drain_timeout_ns;
  struct timespec tick = {0, 5000000};
  while (srv_http_inflight(d->http) > 0) {
    if (srv_now_ns() >= until) {
      srv_log_event(2, "warn", "drain timeout: %u requests cut off", srv_http_inflight(d->http));
      break;
    }
    if (sigtimedwait(signals, NULL, &tick) > 0) {
      srv_log_event(2, "warn", "second signal: %u requests cut off", srv_http_inflight(d->http));
      break;
    }
  }
  srv_http_stop(d->http);
  d->http = NULL;
}

static bool dir_ok(const char *dir) {
  struct stat st;
  if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return true;
  fprintf(stderr, "wasmbox: serve: %s: not a directory\n", dir);
  return false;
}

int srv_serve(const srv_options_t *o) {
  if (!dir_ok(o->dir)) return 1;
  /* Every thread made from here on inherits the mask: only sigwait sees
     these signals. SIGPIPE from a client gone mid-response is ignored. */
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, NULL);
  signal(SIGPIPE, SIG_IGN);
  srv_daemon_t *d = srv_malloc(sizeof *d);
  daemon_init(d, o);
  int failed = srv_load_dir(d, o->dir);
  if (failed) srv_log_event(2, "warn", "%d functions of %s failed to deploy", failed, o->dir);
  int status = 1;
  if (start_http(d)) {
    int sig = 0;
    sigwait(&signals, &sig);
    srv_log_event(2, "info", "%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    drain(d, &signals);
    status = 0;
  }
  daemon_fini(d);
  free(d);
  if (status == 0) srv_log_event(2, "info", "stopped");
  return status;
}
