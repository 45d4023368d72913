/* SPDX-License-Identifier: Apache-2.0 */
/*
** One set of WASI imports, many states (wb_wasi_link_current and
** wb_wasi_enter), with stdio in memory: the way a daemon runs a pooled
** CGI program. The guest is progs/request.c.
**
**   - two states used alternately on one pool: each call sees only its
**     own arguments, environment and stdin, writes only to its own
**     callbacks, and a state keeps its stdin position across calls;
**   - threads running many states at once through the same imports:
**     every output matches its own request exactly;
**   - no state current: nothing granted;
**   - stdio in memory behaves as a pipe (checked inside the guest);
**   - a refusing output callback ends the guest with its own trap;
**   - the wait limit ends a sleep that would outlast it;
**   - exit statuses; memory stdio with wb_wasi_link too, unaffected by the
**     thread's current state.
**
**   wasi_current PROGS_DIR
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "wasmbox.h"
#include "wasmbox_wasi.h"

static wb_engine_t *engine;
static wb_module_t *module;
static wb_store_t *store; /* owns the imports the template shares */
static wb_template_t *tmpl;
static wb_pool_t *pool;

/* {====================== Output capture ======================} */

/* What a callback collected; refuses past limit (0: no limit). */
typedef struct sink {
  char *data;
  size_t len, limit;
} sink_t;

static wb_trap_t *sink_write(void *env, const uint8_t *data, size_t len) {
  sink_t *s = env;
  if (s->limit && s->len + len > s->limit) return wb_trap_new(WB_TRAP_HOST, "sink full");
  s->data = realloc(s->data, s->len + len + 1);
  memcpy(s->data + s->len, data, len);
  s->len += len;
  s->data[s->len] = '\0';
  return NULL;
}

static const char *sink_text(const sink_t *s) { return s->data ? s->data : ""; }

/* {====================== Requests ======================} */

/* One request: its inputs, outputs and state. */
typedef struct request {
  const char *argv[3];
  size_t argc;
  char env_value[64];
  char body[64];
  sink_t out, err;
  wb_wasi_t *wasi;
} request_t;

/* Stops the test on a failure of the harness itself (test.h's counters
   are not for threads). */
static void must(bool ok, const char *what) {
  if (ok) return;
  fprintf(stderr, "wasi_current: %s\n", what);
  abort();
}

/* Makes r's state: args, SECRET=env_value, stdin = body, both outputs. */
static void request_open(request_t *r, bool clocks, uint64_t wait_limit) {
  wb_wasi_config_t *cfg = wb_wasi_config_new();
  wb_wasi_config_set_args(cfg, r->argc, r->argv);
  wb_wasi_config_set_env(cfg, "SECRET", r->env_value);
  wb_wasi_config_stdin_bytes(cfg, (const uint8_t *)r->body, strlen(r->body));
  wb_wasi_config_stdout_fn(cfg, sink_write, &r->out);
  wb_wasi_config_stderr_fn(cfg, sink_write, &r->err);
  wb_wasi_config_allow_clocks(cfg, clocks);
  if (wait_limit) wb_wasi_config_wait_limit(cfg, wait_limit);
  must(wb_wasi_new(NULL, cfg, &r->wasi) == NULL, "wb_wasi_new failed");
}

static void request_close(request_t *r) {
  wb_wasi_delete(r->wasi);
  free(r->out.data);
  free(r->err.data);
}

/* Runs _start of a pooled instance with wasi current (NULL: none); returns
   the trap (owned) or NULL. The previous state must come back. */
static wb_trap_t *run(wb_wasi_t *wasi) {
  wb_pooled_t *p;
  wb_error_t *err = wb_pool_acquire(pool, UINT64_MAX, &p);
  must(err == NULL, "wb_pool_acquire failed");
  wb_extern_t start;
  must(wb_instance_export_get(wb_pooled_instance(p), "_start", 6, &start), "no _start");
  wb_wasi_t *prev = wb_wasi_enter(wasi);
  wb_trap_t *trap = NULL;
  err = wb_func_call(wb_pooled_store(p), start.of.func, NULL, 0, NULL, 0, &trap);
  must(wb_wasi_enter(prev) == wasi, "wb_wasi_enter did not return the current state");
  must(err == NULL, "wb_func_call failed");
  wb_pool_release(pool, p);
  return trap;
}

/* The stdout the echo mode must give for r, reading stdin = text. */
static void expected_echo(const request_t *r, const char *text, char *buf, size_t cap) {
  int n = snprintf(buf, cap, "argc=%zu\n", r->argc);
  for (size_t i = 0; i < r->argc; i++)
    n += snprintf(buf + n, cap - (size_t)n, "argv[%zu]=%s\n", i, r->argv[i]);
  snprintf(buf + n, cap - (size_t)n, "env SECRET=%s\nstdin=%s\n", r->env_value, text);
}

static void echo_request(request_t *r, const char *tag) {
  *r = (request_t){.argv = {"request", "echo", tag}, .argc = 3};
  snprintf(r->env_value, sizeof r->env_value, "secret-%s", tag);
  snprintf(r->body, sizeof r->body, "body of %s", tag);
  request_open(r, false, 0);
}

/* Whether r's outputs are exactly those of an echo run that read stdin =
   text; prints the difference when not. */
static bool echo_ok(const request_t *r, const char *text) {
  char want[1024], want_err[128];
  expected_echo(r, text, want, sizeof want);
  snprintf(want_err, sizeof want_err, "stderr %s\n", r->argv[2]);
  bool ok = strcmp(sink_text(&r->out), want) == 0 && strcmp(sink_text(&r->err), want_err) == 0;
  if (!ok)
    fprintf(stderr, "got:\n%s%s\nwant:\n%s%s\n", sink_text(&r->out), sink_text(&r->err), want,
            want_err);
  return ok;
}

static void check_echo(const request_t *r, const char *text) { CHECK(echo_ok(r, text)); }

/* {====================== Tests ======================} */

/* Two states, one pool, alternating: A, B, A again. */
static void test_alternate(void) {
  request_t a, b;
  echo_request(&a, "A");
  echo_request(&b, "B");
  wb_trap_t *trap = run(a.wasi);
  CHECK(trap == NULL);
  check_echo(&a, "body of A");
  CHECK(b.out.len == 0 && b.err.len == 0);
  CHECK((trap = run(b.wasi)) == NULL);
  check_echo(&b, "body of B");
  /* A again: its stdin was read to the end by the first call. */
  free(a.out.data), free(a.err.data);
  a.out = a.err = (sink_t){0};
  CHECK((trap = run(a.wasi)) == NULL);
  check_echo(&a, "");
  /* Nesting: enter returns what was current. */
  CHECK(wb_wasi_enter(a.wasi) == NULL);
  CHECK(wb_wasi_enter(b.wasi) == a.wasi);
  CHECK(wb_wasi_enter(NULL) == b.wasi);
  request_close(&a);
  request_close(&b);
}

enum { THREADS = 4, ROUNDS = 40 };

/* A thread's requests; returns how many went wrong. */
static void *thread_main(void *arg) {
  int t = (int)(intptr_t)arg;
  intptr_t bad = 0;
  for (int i = 0; i < ROUNDS; i++) {
    char tag[32];
    snprintf(tag, sizeof tag, "t%d-r%d", t, i);
    request_t r;
    echo_request(&r, tag);
    wb_trap_t *trap = run(r.wasi);
    bad += trap != NULL || !echo_ok(&r, r.body);
    wb_trap_delete(trap);
    request_close(&r);
  }
  return (void *)bad;
}

/* Threads serve requests through the same imports at the same time. */
static void test_threads(void) {
  pthread_t th[THREADS];
  for (intptr_t t = 0; t < THREADS; t++)
    pthread_create(&th[t], NULL, thread_main, (void *)t);
  for (int t = 0; t < THREADS; t++) {
    void *bad = NULL;
    pthread_join(th[t], &bad);
    CHECK_EQ((intptr_t)bad, 0);
  }
  wb_pool_stats_t st;
  wb_pool_stats(pool, &st);
  CHECK(st.active == 0);
}

/* No state current: the guest finds nothing and says so by exiting 0. */
static void test_nothing(void) {
  wb_trap_t *trap = run(NULL);
  int32_t status = 0;
  CHECK(trap == NULL || (wb_trap_exit_status(trap, &status) && status == 0));
  wb_trap_delete(trap);
}

/* Memory stdio seen from the guest: pipe semantics (checks in the guest). */
static void test_stdio(void) {
  request_t r = {.argv = {"request", "stdio"}, .argc = 2, .body = "abc"};
  request_open(&r, false, 0);
  wb_trap_t *trap = run(r.wasi);
  CHECK(trap == NULL);
  if (trap) fprintf(stderr, "stdio: %s\n", wb_trap_message(trap));
  wb_trap_delete(trap);
  CHECK_CONTAINS(sink_text(&r.out), "via 2\n");
  CHECK(!strstr(sink_text(&r.out), "FAIL"));
  if (strstr(sink_text(&r.out), "FAIL")) fprintf(stderr, "%s", r.out.data);
  request_close(&r);
}

/* A callback's refusal ends the guest with the callback's trap. */
static void test_output_refused(void) {
  request_t r = {.argv = {"request", "flood"}, .argc = 2};
  r.out.limit = 10000;
  request_open(&r, false, 0);
  wb_trap_t *trap = run(r.wasi);
  CHECK(trap != NULL);
  if (trap) {
    CHECK_EQ(wb_trap_code(trap), WB_TRAP_HOST);
    CHECK_CONTAINS(wb_trap_message(trap), "sink full");
  }
  CHECK(r.out.len > 0 && r.out.len <= 10000);
  wb_trap_delete(trap);
  request_close(&r);
}

/* Sleeping within the wait limit works; past it, the guest is stopped
   (without the limit this call would sleep a minute). */
static void test_wait_limit(void) {
  request_t r = {.argv = {"request", "sleep", "5"}, .argc = 3};
  request_open(&r, true, 2000000000u);
  wb_trap_t *trap = run(r.wasi);
  CHECK(trap == NULL);
  CHECK(strcmp(sink_text(&r.out), "slept\n") == 0);
  request_close(&r);
  r = (request_t){.argv = {"request", "sleep", "60000"}, .argc = 3};
  request_open(&r, true, 50000000u);
  trap = run(r.wasi);
  CHECK(trap && wb_trap_code(trap) == WB_TRAP_INTERRUPT);
  CHECK(r.out.len == 0);
  wb_trap_delete(trap);
  request_close(&r);
  /* Without the clocks, sleeping is refused, limit or not. */
  r = (request_t){.argv = {"request", "sleep", "5"}, .argc = 3};
  request_open(&r, false, 0);
  trap = run(r.wasi);
  int32_t status = 0;
  CHECK(trap && wb_trap_exit_status(trap, &status) && status == 1);
  CHECK_CONTAINS(sink_text(&r.out), "FAIL");
  wb_trap_delete(trap);
  request_close(&r);
}

/* exit(N) after output: the status, and the output flushed before it. */
static void test_exit(void) {
  request_t r = {.argv = {"request", "exit", "7"}, .argc = 3};
  request_open(&r, false, 0);
  wb_trap_t *trap = run(r.wasi);
  int32_t status = 0;
  CHECK(trap && wb_trap_exit_status(trap, &status) && status == 7);
  CHECK(strcmp(sink_text(&r.out), "exiting\n") == 0);
  wb_trap_delete(trap);
  request_close(&r);
}

/* wb_wasi_link binds its own state: memory stdio works there as well, and
   the thread's current state does not matter to those imports. */
static void test_linked(void) {
  request_t r, other;
  echo_request(&r, "linked");
  echo_request(&other, "other");
  wb_store_t *s = wb_store_new(engine);
  wb_linker_t *linker = wb_linker_new(s);
  CHECK(wb_wasi_link(r.wasi, linker) == NULL);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  CHECK(wb_linker_instantiate(linker, module, &inst, &trap) == NULL && inst);
  wb_extern_t start;
  CHECK(wb_instance_export_get(inst, "_start", 6, &start));
  wb_wasi_t *prev = wb_wasi_enter(other.wasi);
  CHECK(wb_func_call(s, start.of.func, NULL, 0, NULL, 0, &trap) == NULL && trap == NULL);
  wb_wasi_enter(prev);
  check_echo(&r, "body of linked");
  CHECK(other.out.len == 0 && other.err.len == 0);
  wb_linker_delete(linker);
  wb_store_delete(s);
  request_close(&r);
  request_close(&other);
}

/* {====================== Setup ======================} */

static void load(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/request.wasm", dir);
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  engine = wb_engine_new(NULL);
  wb_error_t *err = wb_module_new(engine, buf, n, &module);
  if (err) {
    fprintf(stderr, "%s: %s\n", path, wb_error_message(err));
    exit(1);
  }
  store = wb_store_new(engine);
  wb_linker_t *linker = wb_linker_new(store);
  CHECK(wb_wasi_link_current(linker) == NULL);
  wb_trap_t *trap = NULL;
  err = wb_template_new(linker, module, NULL, &tmpl, &trap);
  if (err || trap) {
    fprintf(stderr, "template: %s\n", err ? wb_error_message(err) : wb_trap_message(trap));
    exit(1);
  }
  wb_linker_delete(linker);
  pool = wb_pool_new(tmpl, NULL);
}

static void unload(void) {
  wb_pool_delete(pool);
  wb_template_delete(tmpl);
  wb_store_delete(store);
  wb_module_delete(module);
  wb_engine_delete(engine);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PROGS_DIR\n", argv[0]);
    return 2;
  }
  load(argv[1]);
  test_alternate();
  test_threads();
  test_nothing();
  test_stdio();
  test_output_refused();
  test_wait_limit();
  test_exit();
  test_linked();
  unload();
  printf("wasi_current: %d passed, %d failed\n", test_passed, test_failed);
  return test_failed ? 1 : 0;
}
