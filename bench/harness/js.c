/* SPDX-License-Identifier: Apache-2.0 */
/*
** JavaScript functions (include/wasmbox_js.h), in process:
**   runtime-start  wb_js_runtime_new: the guest from the AOT cache (or
**                  decoded for the interpreter), instantiated, wbjs_init
**                  run and frozen as the base template;
**   deploy-cold    wb_js_function_new of a source never seen (compile +
**                  evaluate + snapshot), bytecode cache in memory only;
**   deploy-cached  the same source again: bytecode from the memory cache,
**                  evaluate + snapshot;
**   hello, json    one request each (acquire, request in, handler, response
**                  out, reset on release): p50 and p99 of the latencies of
**                  one sample's requests, in microseconds. hello returns a
**                  constant Response; json parses a 100-item JSON body,
**                  filters and maps it and returns JSON;
**   idle memory    Private_Dirty per idle pooled instance after one request
**                  each (32 instances, made distinct by a handler that
**                  waits 100 ms, on 32 threads).
**   wbbench js [aot|interp]
*/
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bh.h"
#include "wasmbox_js.h"

#define JS_MAX_SAMPLES 1000
#define JS_IDLE_N 32

static const char hello_src[] = "export default { fetch() { return new Response('hello') } }";

/* The transform the peers run too (bench/peers/js-inproc.mjs). */
static const char json_src[] =
    "export default { async fetch(request) {\n"
    "  const items = await request.json();\n"
    "  const out = items.filter((x) => x.price > 50).map((x) => ({ id: x.id,\n"
    "    name: x.name.toUpperCase(), total: Math.round(x.price * 1.2 * 100) / 100,\n"
    "    tags: x.tags.length }));\n"
    "  return Response.json({ count: out.length, items: out });\n"
    "} }";

static const char idle_src[] = "export default { async fetch() {\n"
                               "  await new Promise((r) => setTimeout(r, 100));\n"
                               "  return new Response('idle') } }";

typedef struct js_ctx {
  wb_engine_t *engine;
  wb_js_runtime_t *rt;
  wb_js_function_t *fn;
  wb_js_request_t req;
  uint64_t serial; /* makes every cold source new */
  const char *engine_name;
  bool interp;
} js_ctx_t;

static void js_check(wb_error_t *err, const char *what) { bh_check(err, what); }

/* The JSON body of the json benchmark: 100 items, half of them over 50. */
static char *json_body(size_t *len) {
  size_t cap = 16384, n = 0;
  char *b = malloc(cap);
  n += (size_t)snprintf(b + n, cap - n, "[");
  for (int i = 0; i < 100; i++)
    n += (size_t)snprintf(b + n, cap - n,
                          "%s{\"id\":%d,\"name\":\"item %d\",\"price\":%d.5,"
                          "\"tags\":[\"a\",\"b\",\"c%d\"]}",
                          i ? "," : "", i, i, (i * 37) % 100, i % 5);
  n += (size_t)snprintf(b + n, cap - n, "]");
  *len = n;
  return b;
}

static wb_js_function_t *deploy(wb_js_runtime_t *rt, const char *src, uint32_t max) {
  wb_js_function_config_t cfg = {
      .filename = "bench.js", .source = src, .source_len = strlen(src), .max_instances = max};
  wb_js_function_t *fn = NULL;
  js_check(wb_js_function_new(rt, &cfg, &fn), "deploy");
  return fn;
}

/* {====================== Start and deploy ======================} */

static double run_start(void *p, uint64_t iters) {
  js_ctx_t *c = p;
  double t = 0;
  for (uint64_t i = 0; i < iters; i++) {
    wb_js_runtime_t *rt = NULL;
    double t0 = bh_now();
    js_check(wb_js_runtime_new(c->engine, NULL, &rt), "runtime");
    t += bh_now() - t0;
    wb_js_runtime_delete(rt);
  }
  return t;
}

static double run_deploy(void *p, uint64_t iters, bool cold) {
  js_ctx_t *c = p;
  double t = 0;
  char src[256];
  for (uint64_t i = 0; i < iters; i++) {
    snprintf(src, sizeof src, "%s // %llu", hello_src,
             cold ? (unsigned long long)++c->serial : 0ull);
    double t0 = bh_now();
    wb_js_function_t *fn = deploy(c->rt, src, 0);
    t += bh_now() - t0;
    wb_js_function_delete(fn);
  }
  return t;
}

static double run_cold(void *p, uint64_t iters) { return run_deploy(p, iters, true); }
static double run_cached(void *p, uint64_t iters) { return run_deploy(p, iters, false); }

/* {====================== Invocations ======================} */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Per sample: n requests timed one by one; their p50 and p99 in ns. */
static void latencies(js_ctx_t *c, int n, double *p50, double *p99) {
  double *lat = malloc(sizeof *lat * (size_t)n);
  for (int s = 0; s < bh_opts.samples; s++) {
    for (int i = 0; i < n; i++) {
      wb_js_result_t res;
      double t0 = bh_now();
      wb_js_function_invoke(c->fn, &c->req, NULL, &res);
      lat[i] = bh_now() - t0;
      if (res.outcome != WB_JS_OK || res.status != 200) {
        fprintf(stderr, "wbbench: js: request failed: %s\n", res.error);
        exit(1);
      }
      wb_js_result_free(&res);
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    p50[s] = lat[n / 2];
    p99[s] = lat[n * 99 / 100];
  }
  free(lat);
}

static void bench_invoke(js_ctx_t *c, const char *name, const char *src, const uint8_t *body,
                         size_t body_len) {
  c->fn = deploy(c->rt, src, 0);
  c->req = (wb_js_request_t){.method = body ? "POST" : "GET",
                             .url = "http://localhost/",
                             .body = body,
                             .body_len = body_len};
  int n = bh_opts.quick ? 300 : 2000;
  if (c->interp) n /= 10;            /* QuickJS interpreted by the interpreter: ms per request */
  for (int i = 0; i < n / 10; i++) { /* warm-up: caches, branch predictors */
    wb_js_result_t res;
    wb_js_function_invoke(c->fn, &c->req, NULL, &res);
    wb_js_result_free(&res);
  }
  double p50[JS_MAX_SAMPLES], p99[JS_MAX_SAMPLES];
  latencies(c, n, p50, p99);
  bh_emit("js", name, "p50", c->engine_name, "us", p50, bh_opts.samples, 1e3);
  bh_emit("js", name, "p99", c->engine_name, "us", p99, bh_opts.samples, 1e3);
  wb_js_function_delete(c->fn);
}

/* {====================== Idle memory ======================} */

typedef struct idle_arg {
  wb_js_function_t *fn;
  pthread_barrier_t *go;
} idle_arg_t;

static void *idle_thread(void *p) {
  idle_arg_t *a = p;
  wb_js_request_t req = {.method = "GET", .url = "http://localhost/"};
  wb_js_result_t res;
  pthread_barrier_wait(a->go);
  wb_js_function_invoke(a->fn, &req, NULL, &res);
  if (res.outcome != WB_JS_OK) fprintf(stderr, "wbbench: js: idle: %s\n", res.error);
  wb_js_result_free(&res);
  return NULL;
}

static void bench_idle(js_ctx_t *c) {
  double kib[JS_MAX_SAMPLES];
  for (int s = 0; s < bh_opts.samples; s++) {
    wb_js_function_t *fn = deploy(c->rt, idle_src, JS_IDLE_N);
    double rss0, pd0, rss1, pd1;
    bh_smaps(&rss0, &pd0);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, JS_IDLE_N);
    pthread_t th[JS_IDLE_N];
    idle_arg_t arg = {fn, &go};
    for (int i = 0; i < JS_IDLE_N; i++)
      pthread_create(&th[i], NULL, idle_thread, &arg);
    for (int i = 0; i < JS_IDLE_N; i++)
      pthread_join(th[i], NULL);
    pthread_barrier_destroy(&go);
    wb_js_function_stats_t st;
    wb_js_function_stats(fn, &st);
    bh_smaps(&rss1, &pd1);
    kib[s] = (pd1 - pd0) / (st.pool.idle ? st.pool.idle : 1);
    wb_js_function_delete(fn);
  }
  bh_emit("js", "idle instance memory", "after one request", c->engine_name, "KiB", kib,
          bh_opts.samples, 1);
}

int bh_cmd_js(int argc, char **argv) {
  js_ctx_t c = {.engine_name = "wasmbox-aot"};
  wb_config_t *config = wb_config_new();
  wb_config_engine_set(config, WB_ENGINE_AOT);
  if (argc > 0 && strcmp(argv[0], "interp") == 0) {
    wb_config_engine_set(config, WB_ENGINE_INTERP);
    c.engine_name = "wasmbox";
    c.interp = true;
  }
  c.engine = wb_engine_new(config);
  double s[JS_MAX_SAMPLES];
  bh_measure(run_start, &c, 50, s);
  bh_emit("js", "runtime-start", "", c.engine_name, "ms", s, bh_opts.samples, 1e6);
  wb_js_runtime_config_t rc = {.no_disk_cache = true};
  js_check(wb_js_runtime_new(c.engine, &rc, &c.rt), "runtime");
  bh_measure(run_cold, &c, 200, s);
  bh_emit("js", "deploy-cold", "compile+snapshot", c.engine_name, "ms", s, bh_opts.samples, 1e6);
  bh_measure(run_cached, &c, 500, s);
  bh_emit("js", "deploy-cached", "snapshot", c.engine_name, "ms", s, bh_opts.samples, 1e6);
  bench_invoke(&c, "hello", hello_src, NULL, 0);
  size_t len;
  char *body = json_body(&len);
  bench_invoke(&c, "json", json_src, (const uint8_t *)body, len);
  free(body);
  bench_idle(&c);
  wb_js_runtime_delete(c.rt);
  wb_engine_delete(c.engine);
  return 0;
}
