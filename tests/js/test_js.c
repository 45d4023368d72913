/* SPDX-License-Identifier: Apache-2.0 */
/*
** The js layer in process, through include/wasmbox_js.h: responses,
** requests, env, logs, exceptions, timeouts and memory limits (each
** followed by an invocation that must work), isolation between
** invocations, the bytecode cache (memory, disk, corrupt files), pools
** under threads, and QuickJS's own tests run inside the sandbox.
**
**   test_js [--engine interp|aot] [--quickjs QUICKJS_SOURCE_DIR]
**
** The bytecode cache lives in a temporary folder, removed at the end.
*/
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "wasmbox_js.h"

#define MS 1000000ull

static wb_engine_t *engine;
static wb_js_runtime_t *rt;
static char cache_dir[] = P_tmpdir "/wasmbox-test-js-XXXXXX";
static const char *quickjs_dir;

/* {====================== Helpers ======================} */

typedef struct limits {
  uint64_t timeout_ns, max_memory;
  uint32_t max_instances;
  const char *env;
} limits_t;

/* Deploys src; NULL (and a failed check) when it does not deploy. */
static wb_js_function_t *deploy_on(wb_js_runtime_t *r, const char *src, limits_t l) {
  wb_js_function_config_t cfg = {.filename = "test.js",
                                 .source = src,
                                 .source_len = strlen(src),
                                 .env_json = l.env,
                                 .timeout_ns = l.timeout_ns,
                                 .max_memory_bytes = l.max_memory,
                                 .max_instances = l.max_instances};
  wb_js_function_t *fn = NULL;
  wb_error_t *err = wb_js_function_new(r, &cfg, &fn);
  if (err) fprintf(stderr, "deploy failed: %s\n", wb_error_message(err));
  CHECK(err == NULL);
  wb_error_delete(err);
  return fn;
}

static wb_js_function_t *deploy(const char *src, limits_t l) { return deploy_on(rt, src, l); }

/* The error message of a deployment that must fail (owned; "" if it did
   not fail, which is a failed check). */
static char *deploy_error(const char *src, limits_t l) {
  wb_js_function_config_t cfg = {.filename = "bad.js",
                                 .source = src,
                                 .source_len = strlen(src),
                                 .timeout_ns = l.timeout_ns,
                                 .max_memory_bytes = l.max_memory};
  wb_js_function_t *fn = NULL;
  wb_error_t *err = wb_js_function_new(rt, &cfg, &fn);
  CHECK(err != NULL);
  char *msg = strdup(err ? wb_error_message(err) : "");
  wb_error_delete(err);
  wb_js_function_delete(fn);
  return msg;
}

static void invoke_req(wb_js_function_t *fn, const wb_js_request_t *req, wb_js_result_t *res) {
  wb_js_function_invoke(fn, req, NULL, res);
}

/* GET http://localhost/PATH. */
static void get(wb_js_function_t *fn, const char *path, wb_js_result_t *res) {
  char url[256];
  snprintf(url, sizeof url, "http://localhost%s", path);
  wb_js_request_t req = {.method = "GET", .url = url};
  invoke_req(fn, &req, res);
}

/* Checks an OK response with this status and body. */
static void check_ok(const wb_js_result_t *res, unsigned status, const char *body) {
  if (res->outcome != WB_JS_OK)
    fprintf(stderr, "  outcome %d: %s\n%s\n", res->outcome, res->error, res->stack);
  CHECK_EQ(res->outcome, WB_JS_OK);
  CHECK_EQ(res->status, status);
  CHECK_EQ(res->body_len, strlen(body));
  CHECK(res->body && memcmp(res->body, body, strlen(body)) == 0);
}

/* A header's value in a response, or NULL. */
static const char *header(const wb_js_result_t *res, const char *name) {
  for (size_t i = 0; i < res->nheaders; i++)
    if (strcasecmp(res->headers[i].name, name) == 0) return res->headers[i].value;
  return NULL;
}

/* {====================== Responses and requests ======================} */

static void test_hello(void) {
  wb_js_function_t *fn = deploy("export default { fetch() { return new Response('hello', "
                                "{ status: 201, headers: { 'x-test': 'yes' } }) } }",
                                (limits_t){0});
  if (!fn) return;
  wb_js_result_t res;
  get(fn, "/", &res);
  check_ok(&res, 201, "hello");
  CHECK(header(&res, "x-test") && strcmp(header(&res, "x-test"), "yes") == 0);
  CHECK(!res.reused);
  wb_js_result_free(&res);
  get(fn, "/", &res);
  check_ok(&res, 201, "hello");
  CHECK(res.reused);
  wb_js_result_free(&res);
  wb_js_function_stats_t st;
  wb_js_function_stats(fn, &st);
  CHECK_EQ(st.invocations, 2);
  CHECK_EQ(st.outcomes[WB_JS_OK], 2);
  CHECK_EQ(st.pool.created, 1);
  CHECK_EQ(st.pool.idle, 1);
  wb_js_function_delete(fn);
}

/* Method, URL, headers and a binary body reach the handler unchanged. */
static void test_request(void) {
  wb_js_function_t *fn =
      deploy("export default { async fetch(req, env) {\n"
             "  const body = new Uint8Array(await req.arrayBuffer());\n"
             "  const u = new URL(req.url);\n"
             "  return new Response(JSON.stringify({ m: req.method, p: u.pathname,\n"
             "    q: u.searchParams.get('q'), h: req.headers.get('x-one'),\n"
             "    b: Array.from(body), k: env.KEY }));\n"
             "} }",
             (limits_t){.env = "{\"KEY\":\"val\\u00e9\"}"});
  if (!fn) return;
  wb_js_header_t h[2] = {{.name = "X-One", .name_len = 5, .value = "1 2", .value_len = 3},
                         {.name = "x-two", .name_len = 5, .value = "", .value_len = 0}};
  static const uint8_t body[] = {0, 1, 255, 'a'};
  wb_js_request_t req = {.method = "PUT",
                         .url = "http://example.com/a/b?q=z%20y",
                         .headers = h,
                         .nheaders = 2,
                         .body = body,
                         .body_len = sizeof body};
  wb_js_result_t res;
  invoke_req(fn, &req, &res);
  check_ok(&res, 200,
           "{\"m\":\"PUT\",\"p\":\"/a/b\",\"q\":\"z y\",\"h\":\"1 2\",\"b\":[0,1,255,97],"
           "\"k\":\"val\xc3\xa9\"}");
  wb_js_result_free(&res);
  /* A request without a method is refused before reaching the guest. */
  wb_js_request_t bad = {.url = "http://x/"};
  invoke_req(fn, &bad, &res);
  CHECK_EQ(res.outcome, WB_JS_EXCEPTION);
  wb_js_result_free(&res);
  wb_js_function_delete(fn);
}

/* Awaits, timers in deadline order, microtasks, and console levels. */
static void test_async_and_logs(void) {
  wb_js_function_t *fn =
      deploy("console.log('loaded');\n"
             "const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n"
             "export default { async fetch() {\n"
             "  const order = [];\n"
             "  const a = sleep(30).then(() => order.push('30'));\n"
             "  const b = sleep(5).then(() => order.push('5'));\n"
             "  await Promise.resolve(); order.push('micro');\n"
             "  await Promise.all([a, b]);\n"
             "  console.log('log', 1, { a: 1 }); console.info('info'); console.warn('warn');\n"
             "  console.error('error'); console.debug('debug');\n"
             "  return new Response(order.join(','));\n"
             "} }",
             (limits_t){0});
  if (!fn) return;
  wb_js_result_t res;
  get(fn, "/", &res);
  check_ok(&res, 200, "micro,5,30");
  CHECK_EQ(res.nlogs, 5);
  if (res.nlogs == 5) {
    CHECK_EQ(res.logs[0].level, WB_JS_LOG);
    CHECK_CONTAINS(res.logs[0].text, "log 1");
    CHECK_EQ(res.logs[1].level, WB_JS_INFO);
    CHECK_EQ(res.logs[2].level, WB_JS_WARN);
    CHECK_EQ(res.logs[3].level, WB_JS_ERROR);
    CHECK_EQ(res.logs[4].level, WB_JS_DEBUG);
    CHECK(strcmp(res.logs[4].text, "debug") == 0);
  }
  wb_js_result_free(&res);
  wb_js_function_delete(fn);
}

/* {====================== Failures ======================} */

static void check_exception(wb_js_function_t *fn, const char *path, const char *msg) {
  wb_js_result_t res;
  get(fn, path, &res);
  CHECK_EQ(res.outcome, WB_JS_EXCEPTION);
  CHECK_CONTAINS(res.error, msg);
  wb_js_result_free(&res);
}

static void test_exceptions(void) {
  wb_js_function_t *fn =
      deploy("export default { async fetch(req) {\n"
             "  const p = new URL(req.url).pathname;\n"
             "  if (p === '/throw') throw new Error('boom');\n"
             "  if (p === '/reject') return Promise.reject(new TypeError('nope'));\n"
             "  if (p === '/string') return 'not a response';\n"
             "  if (p === '/never') return new Promise(() => {});\n"
             "  return new Response('fine');\n"
             "} }",
             (limits_t){0});
  if (!fn) return;
  wb_js_result_t res;
  get(fn, "/throw", &res);
  CHECK_EQ(res.outcome, WB_JS_EXCEPTION);
  CHECK_CONTAINS(res.error, "Error: boom");
  CHECK_CONTAINS(res.stack, "test.js");
  wb_js_result_free(&res);
  check_exception(fn, "/reject", "TypeError: nope");
  check_exception(fn, "/string", "Response");
  check_exception(fn, "/never", "never settled");
  get(fn, "/", &res);
  check_ok(&res, 200, "fine");
  wb_js_result_free(&res);
  wb_js_function_stats_t st;
  wb_js_function_stats(fn, &st);
  CHECK_EQ(st.outcomes[WB_JS_EXCEPTION], 4);
  wb_js_function_delete(fn);
}

static void test_deploy_errors(void) {
  char *m = deploy_error("export default {\n  fetch() { return 1 +; }\n}\n", (limits_t){0});
  CHECK_CONTAINS(m, "bad.js:2:");
  CHECK_CONTAINS(m, "SyntaxError");
  free(m);
  m = deploy_error("throw new RangeError('at load');\nexport default {}", (limits_t){0});
  CHECK_CONTAINS(m, "RangeError: at load");
  free(m);
  m = deploy_error("export default { fetch: 1 }", (limits_t){0});
  CHECK_CONTAINS(m, "fetch");
  free(m);
  m = deploy_error("export const x = 1;", (limits_t){0});
  CHECK_CONTAINS(m, "fetch");
  free(m);
  /* Top-level code that never ends is stopped by the timeout. */
  m = deploy_error("for (;;) {}\nexport default { fetch() {} }",
                   (limits_t){.timeout_ns = 200 * MS});
  CHECK_CONTAINS(m, "timeout");
  free(m);
  /* Promise jobs that never run out, queued by top-level code. */
  m = deploy_error("(async () => { for (;;) await null; })();\nexport default { fetch() {} }",
                   (limits_t){.timeout_ns = 200 * MS});
  CHECK_CONTAINS(m, "timeout");
  free(m);
  m = deploy_error("export default { fetch() {} }", (limits_t){.max_memory = 65536});
  CHECK_CONTAINS(m, "memory limit");
  free(m);
}

/* An endless loop, then a timer past the deadline; each time the next
   invocation works. */
static void test_timeout(void) {
  wb_js_function_t *fn =
      deploy("export default { async fetch(req) {\n"
             "  const p = new URL(req.url).pathname;\n"
             "  if (p === '/loop') for (;;) {}\n"
             "  if (p === '/sleep') await new Promise((r) => setTimeout(r, 60000));\n"
             "  return new Response('after');\n"
             "} }",
             (limits_t){.timeout_ns = 300 * MS, .max_instances = 1});
  if (!fn) return;
  static const char *const paths[] = {"/loop", "/sleep"};
  for (int i = 0; i < 2; i++) {
    wb_js_result_t res;
    get(fn, paths[i], &res);
    CHECK_EQ(res.outcome, WB_JS_TIMEOUT);
    CHECK_EQ(res.trap_code, WB_TRAP_INTERRUPT);
    CHECK_CONTAINS(res.error, "timeout");
    /* Stopped by the deadline, not by the 60 s timer. */
    CHECK(res.duration_ns < 30000 * MS);
    wb_js_result_free(&res);
    get(fn, "/", &res);
    check_ok(&res, 200, "after");
    CHECK(res.reused); /* the same instance, reset */
    wb_js_result_free(&res);
  }
  wb_js_function_stats_t st;
  wb_js_function_stats(fn, &st);
  CHECK_EQ(st.outcomes[WB_JS_TIMEOUT], 2);
  CHECK_EQ(st.pool.created, 1);
  wb_js_function_delete(fn);
}

/* A handler that allocates without end hits the memory limit. */
static void test_memory_limit(void) {
  wb_js_function_t *fn = deploy("export default { fetch(req) {\n"
                                "  if (new URL(req.url).pathname === '/hog') {\n"
                                "    const keep = [];\n"
                                "    for (;;) keep.push(new Array(100000).fill(keep.length));\n"
                                "  }\n"
                                "  return new Response('small');\n"
                                "} }",
                                (limits_t){.max_memory = 48ull << 20, .timeout_ns = 20000 * MS});
  if (!fn) return;
  for (int i = 0; i < 2; i++) {
    wb_js_result_t res;
    get(fn, "/hog", &res);
    /* QuickJS throws (InternalError: out of memory) or, when it cannot
       even do that, the guest traps; either way the limit held. */
    CHECK(res.outcome == WB_JS_EXCEPTION || res.outcome == WB_JS_TRAP);
    CHECK(strstr(res.error, "out of memory") != NULL);
    wb_js_result_free(&res);
    get(fn, "/", &res);
    check_ok(&res, 200, "small");
    wb_js_result_free(&res);
  }
  wb_js_function_delete(fn);
}

/* {====================== Isolation ======================} */

static void test_isolation(void) {
  wb_js_function_t *fn =
      deploy("let count = 0;\n"
             "export default { fetch() {\n"
             "  count++;\n"
             "  globalThis.seen = (globalThis.seen || 0) + 1;\n"
             "  Object.prototype.polluted = 'yes';\n"
             "  return new Response(count + ',' + globalThis.seen + ',' + ({}).polluted);\n"
             "} }",
             (limits_t){.max_instances = 1});
  if (!fn) return;
  for (int i = 0; i < 3; i++) {
    wb_js_result_t res;
    get(fn, "/", &res);
    check_ok(&res, 200, "1,1,yes");
    wb_js_result_free(&res);
  }
  wb_js_function_delete(fn);
  /* Two functions on one runtime do not see each other's globals. */
  wb_js_function_t *a = deploy("globalThis.mine = 'a';\n"
                               "export default { fetch() { return new Response(mine) } }",
                               (limits_t){0});
  wb_js_function_t *b = deploy("export default { fetch() {\n"
                               "  return new Response(typeof globalThis.mine) } }",
                               (limits_t){0});
  if (a && b) {
    wb_js_result_t res;
    get(a, "/", &res);
    check_ok(&res, 200, "a");
    wb_js_result_free(&res);
    get(b, "/", &res);
    check_ok(&res, 200, "undefined");
    wb_js_result_free(&res);
  }
  wb_js_function_delete(a);
  wb_js_function_delete(b);
}

/* {====================== Bytecode cache ======================} */

static const char cached_src[] = "export default { fetch() { return new Response('cached') } }";

/* Deploys cached_src on r and checks it answers. */
static void deploy_cached(wb_js_runtime_t *r) {
  wb_js_function_t *fn = deploy_on(r, cached_src, (limits_t){0});
  if (!fn) return;
  wb_js_result_t res;
  get(fn, "/", &res);
  check_ok(&res, 200, "cached");
  wb_js_result_free(&res);
  wb_js_function_delete(fn);
}

static wb_js_runtime_t *new_runtime(void) {
  wb_js_runtime_config_t cfg = {.cache_dir = cache_dir};
  wb_js_runtime_t *r = NULL;
  wb_error_t *err = wb_js_runtime_new(engine, &cfg, &r);
  CHECK(err == NULL);
  wb_error_delete(err);
  return r;
}

/* Overwrites the middle byte of every cache file. */
static int corrupt_cache(void) {
  DIR *d = opendir(cache_dir);
  int n = 0;
  struct dirent *de;
  while (d && (de = readdir(d))) {
    if (!strstr(de->d_name, ".qjsbc")) continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", cache_dir, de->d_name);
    FILE *f = fopen(path, "r+b");
    if (!f) continue;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size / 2, SEEK_SET);
    int c = fgetc(f);
    fseek(f, size / 2, SEEK_SET);
    fputc(c ^ 0x5a, f);
    fclose(f);
    n++;
  }
  if (d) closedir(d);
  return n;
}

static void test_cache(void) {
  wb_js_runtime_stats_t s0, s;
  wb_js_runtime_stats(rt, &s0);
  deploy_cached(rt);
  deploy_cached(rt);
  wb_js_runtime_stats(rt, &s);
  CHECK_EQ(s.cache_misses - s0.cache_misses, 1);
  CHECK_EQ(s.memory_hits - s0.memory_hits, 1);
  /* A second runtime (as a second process would) finds it on disk. */
  wb_js_runtime_t *r2 = new_runtime();
  if (r2) {
    deploy_cached(r2);
    wb_js_runtime_stats(r2, &s);
    CHECK_EQ(s.disk_hits, 1);
    CHECK_EQ(s.cache_misses, 0);
    wb_js_runtime_delete(r2);
  }
  /* A corrupt file is never used: compiled again (and rewritten). */
  CHECK(corrupt_cache() > 0);
  wb_js_runtime_t *r3 = new_runtime();
  if (r3) {
    deploy_cached(r3);
    wb_js_runtime_stats(r3, &s);
    CHECK_EQ(s.disk_hits, 0);
    CHECK_EQ(s.cache_misses, 1);
    wb_js_runtime_delete(r3);
  }
  wb_js_runtime_t *r4 = new_runtime();
  if (r4) {
    deploy_cached(r4);
    wb_js_runtime_stats(r4, &s);
    CHECK_EQ(s.disk_hits, 1);
    wb_js_runtime_delete(r4);
  }
}

/* {====================== Threads ======================} */

typedef struct worker {
  wb_js_function_t *fn;
  int ok;
} worker_t;

static void *work(void *p) {
  worker_t *w = p;
  for (int i = 0; i < 40; i++) {
    char path[32];
    snprintf(path, sizeof path, "/%d", i);
    wb_js_result_t res;
    get(w->fn, path, &res);
    if (res.outcome == WB_JS_OK && res.body_len == strlen(path) &&
        memcmp(res.body, path, res.body_len) == 0)
      w->ok++;
    wb_js_result_free(&res);
  }
  return NULL;
}

static void test_threads(void) {
  wb_js_function_t *fn = deploy("export default { async fetch(req) {\n"
                                "  await new Promise((r) => setTimeout(r, 1));\n"
                                "  return new Response(new URL(req.url).pathname) } }",
                                (limits_t){.max_instances = 2});
  if (!fn) return;
  worker_t w[3] = {{fn, 0}, {fn, 0}, {fn, 0}};
  pthread_t th[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&th[i], NULL, work, &w[i]);
  for (int i = 0; i < 3; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < 3; i++)
    CHECK_EQ(w[i].ok, 40);
  wb_js_function_stats_t st;
  wb_js_function_stats(fn, &st);
  CHECK(st.pool.created <= 2);
  CHECK_EQ(st.invocations, 120);
  wb_js_function_delete(fn);
}

static void *one_call(void *p) {
  worker_t *w = p;
  wb_js_result_t res;
  get(w->fn, "/", &res);
  w->ok = res.outcome == WB_JS_OK;
  wb_js_result_free(&res);
  return NULL;
}

/* With its only instance busy, an invocation that will not wait is BUSY. */
static void test_busy(void) {
  wb_js_function_t *fn = deploy("export default { async fetch() {\n"
                                "  await new Promise((r) => setTimeout(r, 400));\n"
                                "  return new Response('slow') } }",
                                (limits_t){.max_instances = 1});
  if (!fn) return;
  worker_t w = {fn, 0};
  pthread_t th;
  pthread_create(&th, NULL, one_call, &w);
  wb_js_function_stats_t st;
  do {
    usleep(1000);
    wb_js_function_stats(fn, &st);
  } while (st.pool.active == 0);
  wb_js_request_t req = {.method = "GET", .url = "http://localhost/"};
  wb_js_invoke_options_t now = {.wait_ns = 0};
  wb_js_result_t res;
  wb_js_function_invoke(fn, &req, &now, &res);
  CHECK_EQ(res.outcome, WB_JS_BUSY);
  wb_js_result_free(&res);
  pthread_join(th, NULL);
  CHECK_EQ(w.ok, 1);
  wb_js_function_delete(fn);
}

/* {====================== QuickJS's own tests ======================} */

/* Appends s to a malloc'ed buffer as a JSON string literal. */
static char *json_quote(const char *s, size_t n) {
  char *out = malloc(6 * n + 3), *o = out;
  *o++ = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      *o++ = '\\', *o++ = (char)c;
    else if (c < 0x20)
      o += sprintf(o, "\\u%04x", c);
    else
      *o++ = (char)c;
  }
  *o++ = '"';
  *o = '\0';
  return out;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

/* The test file runs as a classic script (indirect eval) in the handler,
   with the globals the tests expect from QuickJS's shell. */
static const char qjs_prelude[] = "globalThis.print = (...a) => console.log(...a);\n"
                                  "globalThis.scriptArgs = [];\n"
                                  "const source = %s;\n"
                                  "export default { fetch() {\n"
                                  "  (0, eval)(source);\n"
                                  "  return new Response('ok');\n"
                                  "} }\n";

static void run_quickjs_test(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/%s", quickjs_dir, name);
  size_t len;
  char *src = read_file(path, &len);
  if (!src) {
    fprintf(stderr, "%s: cannot read\n", path);
    CHECK(src != NULL);
    return;
  }
  char *quoted = json_quote(src, len);
  char *handler = malloc(strlen(quoted) + sizeof qjs_prelude);
  sprintf(handler, qjs_prelude, quoted);
  wb_js_function_t *fn =
      deploy(handler, (limits_t){.timeout_ns = 120000 * MS, .max_memory = 256ull << 20});
  if (fn) {
    wb_js_result_t res;
    get(fn, "/", &res);
    if (res.outcome != WB_JS_OK) fprintf(stderr, "%s:\n", name);
    for (size_t i = 0; res.outcome != WB_JS_OK && i < res.nlogs; i++)
      fprintf(stderr, "  [%d] %s\n", res.logs[i].level, res.logs[i].text);
    check_ok(&res, 200, "ok");
    wb_js_result_free(&res);
    wb_js_function_delete(fn);
  }
  free(handler);
  free(quoted);
  free(src);
}

static void test_quickjs(void) {
  if (!quickjs_dir) return;
  static const char *const tests[] = {"test_language.js", "test_builtin.js", "test_closure.js",
                                      "test_loop.js"};
  for (size_t i = 0; i < sizeof tests / sizeof *tests; i++)
    run_quickjs_test(tests[i]);
}

/* {====================== main ======================} */

static int parse(int argc, char **argv, wb_engine_kind_t *kind) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc) {
      const char *e = argv[++i];
      *kind = strcmp(e, "aot") == 0    ? WB_ENGINE_AOT
              : strcmp(e, "auto") == 0 ? WB_ENGINE_AUTO
                                       : WB_ENGINE_INTERP;
    } else if (strcmp(argv[i], "--quickjs") == 0 && i + 1 < argc) {
      quickjs_dir = argv[++i];
    } else {
      fprintf(stderr, "usage: test_js [--engine interp|aot|auto] [--quickjs DIR]\n");
      return 2;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  wb_engine_kind_t kind = WB_ENGINE_INTERP;
  if (parse(argc, argv, &kind)) return 2;
  if (!mkdtemp(cache_dir)) return perror("mkdtemp"), 1;
  wb_config_t *config = wb_config_new();
  wb_config_engine_set(config, kind);
  engine = wb_engine_new(config);
  rt = new_runtime();
  if (rt) {
    void (*tests[])(void) = {test_hello,         test_request, test_async_and_logs, test_exceptions,
                             test_deploy_errors, test_timeout, test_memory_limit,   test_isolation,
                             test_cache,         test_threads, test_busy,           test_quickjs};
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++)
      tests[i]();
    wb_js_runtime_delete(rt);
  }
  wb_engine_delete(engine);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", cache_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", cache_dir);
  printf("js: %d passed, %d failed\n", test_passed, test_failed);
  return test_failed ? 1 : 0;
}
