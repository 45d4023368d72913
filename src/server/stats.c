/* SPDX-License-Identifier: Apache-2.0 */
/*
** The daemon's metrics: the families (one table), the collectors that
** read values at scrape time (pools, caches, process), and the JSON stats
** of the admin listing, which read the same cells.
*/
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "server/daemon.h"

static const double compile_bounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5,
                                        1,     2.5,   5,    10,   30,  60,   120};

static void collect(void *env);

/* {====================== Families ======================} */

/* Every family of the daemon, in the order /metrics shows them. */
typedef struct family_spec {
  size_t at; /* offset of the srv_family_t * in srv_families_t */
  const char *name, *help;
  srv_metric_type_t type;
  const char *labels;
  const double *bounds;
  size_t nbounds;
} family_spec_t;

#define F(field) offsetof(srv_families_t, field)
#define NB(a) (sizeof(a) / sizeof *(a))
static const family_spec_t families[] = {
    {F(invocations), "wasmbox_invocations_total",
     "Function invocations by outcome (ok, error, trap, timeout, busy).", SRV_COUNTER,
     "function,outcome", NULL, 0},
    {F(duration), "wasmbox_invocation_duration_seconds",
     "Time from admission to the function's answer.", SRV_HISTOGRAM, "function", NULL, 0},
    {F(pool), "wasmbox_pool_instances", "Instances of each function's live version by state.",
     SRV_GAUGE, "function,state", NULL, 0},
    {F(cache_hits), "wasmbox_cache_hits_total",
     "Deploys that found compiled code: wasm modules by SHA-256, JavaScript bytecode.", SRV_COUNTER,
     "cache", NULL, 0},
    {F(cache_misses), "wasmbox_cache_misses_total", "Deploys that had to compile.", SRV_COUNTER,
     "cache", NULL, 0},
    {F(compile), "wasmbox_compile_seconds", "Deploy time: validate, compile and snapshot.",
     SRV_HISTOGRAM, "kind", compile_bounds, NB(compile_bounds)},
    {F(traps), "wasmbox_traps_total", "Invocations that trapped, by kind.", SRV_COUNTER, "kind",
     NULL, 0},
    {F(deploys), "wasmbox_deploys_total", "Deploys by result.", SRV_COUNTER, "result", NULL, 0},
    {F(http), "wasmbox_http_responses_total", "HTTP responses by status.", SRV_COUNTER, "code",
     NULL, 0},
    {F(functions), "wasmbox_functions", "Functions live.", SRV_GAUGE, "", NULL, 0},
    {F(inflight), "wasmbox_requests_in_flight", "Requests received and not yet answered.",
     SRV_GAUGE, "", NULL, 0},
    {F(rss), "process_resident_memory_bytes", "Resident memory size in bytes.", SRV_GAUGE, "", NULL,
     0},
    {F(cpu), "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
     SRV_COUNTER, "", NULL, 0},
    {F(fds), "process_open_fds", "Number of open file descriptors.", SRV_GAUGE, "", NULL, 0},
    {F(start_time), "process_start_time_seconds",
     "Start time of the process since the Unix epoch in seconds.", SRV_GAUGE, "", NULL, 0},
};
#undef F
#undef NB

void srv_stats_init(srv_daemon_t *d) {
  for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
    const family_spec_t *f = &families[i];
    bool latency = f->type == SRV_HISTOGRAM && !f->bounds; /* the standard buckets */
    srv_family_t **slot = (srv_family_t **)(void *)((char *)&d->fam + f->at);
    *slot = srv_metrics_family(d->metrics, f->name, f->help, f->type, f->labels,
                               latency ? srv_latency_bounds : f->bounds,
                               latency ? srv_latency_nbounds : f->nbounds);
  }
  srv_metrics_collector(d->metrics, collect, d);
}

void srv_stats_attach(srv_daemon_t *d, srv_fn_t *fn) {
  for (int o = 0; o < SRV_NOUTCOMES; o++)
    fn->invocations[o] = srv_family_cell2(d->fam.invocations, fn->name, srv_outcome_names[o]);
  fn->duration = srv_family_cell1(d->fam.duration, fn->name);
}

void srv_stats_status(srv_daemon_t *d, int status) {
  if (status < 100 || status > 599) return;
  srv_cell_t *c = atomic_load_explicit(&d->status_cells[status], memory_order_acquire);
  if (!c) {
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    c = srv_family_cell1(d->fam.http, code); /* the same cell if two threads race */
    atomic_store_explicit(&d->status_cells[status], c, memory_order_release);
  }
  srv_cell_add(c, 1);
}

/* {====================== Collectors ======================} */

static void collect_pools(srv_daemon_t *d) {
  srv_registry_list_t l;
  srv_registry_list(d->reg, &l);
  srv_family_clear(d->fam.pool);
  for (size_t i = 0; i < l.count; i++) {
    wb_pool_stats_t st;
    srv_fn_pool((srv_fn_t *)l.versions[i], &st);
    srv_cell_set(srv_family_cell2(d->fam.pool, l.names[i], "idle"), st.idle);
    srv_cell_set(srv_family_cell2(d->fam.pool, l.names[i], "active"), st.active);
  }
  srv_cell_set(srv_family_cell0(d->fam.functions), (double)l.count);
  srv_registry_list_free(&l);
}

static void collect_caches(srv_daemon_t *d) {
  uint64_t hits[2], misses[2];
  srv_runtime_cache_stats(&d->rt, hits, misses);
  for (int k = 0; k < 2; k++) {
    srv_cell_set(srv_family_cell1(d->fam.cache_hits, srv_kind_names[k]), (double)hits[k]);
    srv_cell_set(srv_family_cell1(d->fam.cache_misses, srv_kind_names[k]), (double)misses[k]);
  }
}

static double resident_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long long size = 0, rss = 0;
  if (f) {
    if (fscanf(f, "%llu %llu", &size, &rss) != 2) rss = 0;
    fclose(f);
  }
  return (double)rss * (double)sysconf(_SC_PAGESIZE);
}

static double open_fds(void) {
  DIR *dir = opendir("/proc/self/fd");
  double n = 0;
  if (!dir) return 0;
  for (struct dirent *e; (e = readdir(dir));)
    if (e->d_name[0] != '.') n++;
  closedir(dir);
  return n - 1; /* the directory's own descriptor */
}

static void collect_process(srv_daemon_t *d) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  srv_cell_set(srv_family_cell0(d->fam.rss), resident_bytes());
  srv_cell_set(srv_family_cell0(d->fam.cpu), cpu);
  srv_cell_set(srv_family_cell0(d->fam.fds), open_fds());
  srv_cell_set(srv_family_cell0(d->fam.start_time), d->start_time);
  srv_cell_set(srv_family_cell0(d->fam.inflight), d->http ? srv_http_inflight(d->http) : 0);
}

static void collect(void *env) {
  srv_daemon_t *d = env;
  collect_pools(d);
  collect_caches(d);
  collect_process(d);
}

/* {====================== JSON for the admin API ======================} */

static void outcomes_json(const srv_fn_t *fn, srv_buf_t *out) {
  srv_buf_adds(out, "\"invocations\":{");
  for (int o = 0; o < SRV_NOUTCOMES; o++)
    srv_buf_printf(out, "%s\"%s\":%.0f", o ? "," : "", srv_outcome_names[o],
                   fn->invocations[o] ? srv_cell_value(fn->invocations[o]) : 0.0);
  double n = fn->duration ? srv_cell_value(fn->duration) : 0;
  double sum = fn->duration ? srv_cell_sum(fn->duration) : 0;
  srv_buf_printf(out, "},\"mean_duration_us\":%.1f", n ? sum / n * 1e6 : 0.0);
}

void srv_stats_fn_json(srv_fn_t *fn, srv_buf_t *out) {
  wb_pool_stats_t st;
  srv_fn_pool(fn, &st);
  srv_buf_adds(out, "{\"name\":");
  srv_buf_json_str(out, fn->name, strlen(fn->name));
  srv_buf_printf(out,
                 ",\"kind\":\"%s\",\"version\":%u,\"sha256\":\"%s\",\"deployed_at\":%lld,"
                 "\"compile_seconds\":%.6f,\"in_flight\":%u,",
                 srv_kind_names[fn->kind], fn->version, fn->sha256, (long long)fn->deployed_at,
                 fn->compile_seconds, atomic_load(&fn->inflight));
  outcomes_json(fn, out);
  srv_buf_printf(out,
                 ",\"pool\":{\"idle\":%u,\"active\":%u,\"created\":%llu,\"reset\":%llu,"
                 "\"discarded\":%llu},\"settings\":",
                 st.idle, st.active, (unsigned long long)st.created, (unsigned long long)st.reset,
                 (unsigned long long)st.discarded);
  srv_config_write_json(&fn->cfg, out);
  srv_buf_addc(out, '}');
}
