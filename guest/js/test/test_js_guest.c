/* SPDX-License-Identifier: Apache-2.0 */
/*
** The JavaScript guest through its ABI alone (guest/js/ABI.md), driven by
** the public API: a base template made with wbjs_init, then a fresh
** instance per case that compiles, loads and invokes handlers. Checks the
** records byte for byte (responses, errors with location and stack, logs),
** the event loop (microtasks, timers, a promise that never settles), UTF-8
** at the edges, limits (deep recursion, out of memory), Math.random after
** a snapshot, Number rounding (tofixed.js) and QuickJS's own tests.
**
** Needs a Web API library providing at least console, Response (string
** bodies, status, headers), Request (method, url, headers.get, text()),
** setTimeout, TextEncoder/TextDecoder.
**
** usage: test_js_guest GUEST.wasm TEST_DIR QUICKJS_DIR [interp|aot]
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "wasmbox.h"
#include "wasmbox_wasi.h"

static const char *test_dir, *quickjs_dir;
static wb_engine_t *engine;
static wb_store_t *store;
static wb_wasi_t *wasi;
static wb_linker_t *linker;
static wb_module_t *module;
static wb_template_t *base;

/* {====================== Files and strings ======================} */

static char *read_path(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  buf[n] = '\0';
  if (len) *len = (size_t)n;
  return buf;
}

static char *read_file(const char *dir, const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return read_path(path, len);
}

/* A growable string. */
typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf_t;

static void sb_put(sbuf_t *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(sbuf_t *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_u32(sbuf_t *b, uint32_t v) {
  uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  sb_put(b, le, 4);
}

/* An ABI string: u32 length + bytes. */
static void sb_abistr(sbuf_t *b, const char *s) {
  sb_u32(b, (uint32_t)strlen(s));
  sb_str(b, s);
}

/* s as a JSON string literal. */
static void sb_json(sbuf_t *b, const char *s, size_t n) {
  sb_str(b, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\', esc[1] = (char)c;
      sb_put(b, esc, 2);
    } else if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      sb_str(b, esc);
    } else {
      sb_put(b, &s[i], 1);
    }
  }
  sb_str(b, "\"");
}

/* {====================== The guest ======================} */

typedef struct guest {
  wb_instance_t *inst;
  bool trapped;
  char trap_msg[256];
  struct guest *next; /* every guest made, freed at the end (their instances live in store) */
} guest_t;

static guest_t *guests;

/* Calls export name with i32 arguments; returns its i32 result (0 for a
   void export). A trap sets g->trapped. */
static int32_t call(guest_t *g, const char *name, const int32_t *args, size_t nargs) {
  wb_extern_t ext;
  if (!wb_instance_export_get(g->inst, name, strlen(name), &ext) || ext.kind != WB_EXTERN_FUNC) {
    fprintf(stderr, "no export %s\n", name);
    exit(2);
  }
  wb_val_t a[4], r[1] = {{.kind = WB_I32}};
  for (size_t i = 0; i < nargs; i++) a[i] = (wb_val_t){.kind = WB_I32, .of.i32 = args[i]};
  size_t nres = wb_functype_result_count(wb_func_type(ext.of.func));
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(store, ext.of.func, a, nargs, r, nres, &trap);
  if (err) {
    fprintf(stderr, "%s: %s\n", name, wb_error_message(err));
    exit(2);
  }
  if (trap) {
    g->trapped = true;
    snprintf(g->trap_msg, sizeof g->trap_msg, "%s", wb_trap_message(trap));
    wb_trap_delete(trap);
    return -1;
  }
  return nres ? r[0].of.i32 : 0;
}

static uint8_t *mem(guest_t *g) { return wb_memory_data(wb_instance_memory(g->inst)); }

/* Copies bytes into guest memory (wbjs_alloc); returns the address. */
static int32_t put(guest_t *g, const void *p, size_t n) {
  int32_t size = (int32_t)n;
  int32_t at = call(g, "wbjs_alloc", &size, 1);
  if (at == 0 || g->trapped) {
    fprintf(stderr, "wbjs_alloc(%zu) failed\n", n);
    exit(2);
  }
  memcpy(mem(g) + at, p, n);
  return at;
}

/* A fresh instance of the base template. */
static guest_t *guest_new(void) {
  guest_t *g = calloc(1, sizeof *g);
  g->next = guests;
  guests = g;
  wb_error_t *err = wb_template_instantiate(base, store, &g->inst);
  if (err) {
    fprintf(stderr, "instantiate: %s\n", wb_error_message(err));
    exit(2);
  }
  return g;
}

/* {====================== Records ======================} */

#define MAXN 64
typedef struct rec {
  uint32_t kind, status, nheaders, nlogs;
  char *msg, *loc, *stack, *body;
  size_t body_len, log_bytes;
  char *hname[MAXN], *hval[MAXN];
  uint32_t level[MAXN];
  char *log[MAXN];
  bool malformed;
} rec_t;

typedef struct reader {
  const uint8_t *p, *end;
  bool bad;
} reader_t;

static uint32_t rd_u32(reader_t *r) {
  if (r->end - r->p < 4) {
    r->bad = true;
    return 0;
  }
  uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
               (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

static char *rd_str(reader_t *r, size_t *len) {
  uint32_t n = rd_u32(r);
  if (r->bad || (size_t)(r->end - r->p) < n) {
    r->bad = true;
    return strdup("");
  }
  char *s = malloc(n + 1);
  memcpy(s, r->p, n);
  s[n] = '\0';
  r->p += n;
  if (len) *len = n;
  return s;
}

static void rd_logs(reader_t *r, rec_t *out) {
  out->nlogs = rd_u32(r);
  for (uint32_t i = 0; i < out->nlogs && !r->bad; i++) {
    uint32_t level = rd_u32(r);
    size_t n = 0;
    char *text = rd_str(r, &n);
    out->log_bytes += n;
    if (i < MAXN) {
      out->level[i] = level;
      out->log[i] = text;
    } else {
      free(text);
    }
  }
}

/* Parses the output buffer as a response or error record. */
static void read_record(guest_t *g, rec_t *out) {
  memset(out, 0, sizeof *out);
  int32_t ptr = call(g, "wbjs_out_ptr", NULL, 0), len = call(g, "wbjs_out_len", NULL, 0);
  reader_t r = {mem(g) + ptr, mem(g) + ptr + len, false};
  out->kind = rd_u32(&r);
  if (out->kind == 0 && len > 8) { /* a response (a load's record is kind + logs) */
    out->status = rd_u32(&r);
    out->nheaders = rd_u32(&r);
    for (uint32_t i = 0; i < out->nheaders && i < MAXN && !r.bad; i++) {
      out->hname[i] = rd_str(&r, NULL);
      out->hval[i] = rd_str(&r, NULL);
    }
    out->body = rd_str(&r, &out->body_len);
  } else if (out->kind == 1) {
    out->msg = rd_str(&r, NULL);
    out->loc = rd_str(&r, NULL);
    out->stack = rd_str(&r, NULL);
  }
  rd_logs(&r, out);
  out->malformed = r.bad || r.p != r.end;
}

static void rec_free(rec_t *r) {
  free(r->msg), free(r->loc), free(r->stack), free(r->body);
  for (uint32_t i = 0; i < MAXN; i++) free(r->hname[i]), free(r->hval[i]), free(r->log[i]);
}

/* {====================== Compile, load, invoke ======================} */

/* wbjs_compile; on success *bc holds the bytecode (malloc'd). */
static int32_t compile(guest_t *g, const char *src, const char *name, uint8_t **bc, size_t *bc_len,
                       rec_t *err) {
  int32_t args[4] = {put(g, src, strlen(src)), (int32_t)strlen(src), put(g, name, strlen(name)),
                     (int32_t)strlen(name)};
  int32_t rc = call(g, "wbjs_compile", args, 4);
  *bc = NULL;
  *bc_len = 0;
  if (rc == 0) {
    *bc_len = (size_t)call(g, "wbjs_out_len", NULL, 0);
    *bc = malloc(*bc_len);
    memcpy(*bc, mem(g) + call(g, "wbjs_out_ptr", NULL, 0), *bc_len);
    return rc;
  }
  rec_t tmp;
  read_record(g, err ? err : &tmp);
  if (!err) {
    fprintf(stderr, "compile %s: %s\n", name, g->trapped ? g->trap_msg : tmp.msg);
    rec_free(&tmp);
  }
  return rc;
}

static int32_t load(guest_t *g, const uint8_t *bc, size_t bc_len, const char *env, rec_t *out) {
  int32_t args[4] = {put(g, bc, bc_len), (int32_t)bc_len, put(g, env, strlen(env)),
                     (int32_t)strlen(env)};
  int32_t rc = call(g, "wbjs_load", args, 4);
  if (out) read_record(g, out);
  return rc;
}

/* A fresh instance with src compiled and loaded; NULL (reported) if that
   fails. */
static guest_t *deploy_env(const char *src, const char *env) {
  guest_t *g = guest_new();
  uint8_t *bc;
  size_t n;
  rec_t r;
  if (compile(g, src, "handler.js", &bc, &n, &r) != 0) {
    fprintf(stderr, "compile failed: %s\n", g->trapped ? g->trap_msg : r.msg);
    CHECK(!"compile");
    return NULL;
  }
  int32_t rc = load(g, bc, n, env, &r);
  free(bc);
  if (rc != 0) fprintf(stderr, "load failed: %s\n", g->trapped ? g->trap_msg : r.msg);
  CHECK_EQ(rc, 0);
  rec_free(&r);
  return rc == 0 ? g : NULL;
}

static guest_t *deploy(const char *src) { return deploy_env(src, "{}"); }

/* Encodes and runs a request; headers is a NULL-terminated name, value
   list. */
static int32_t invoke_req(guest_t *g, const char *method, const char *url, const char **headers,
                          const char *body, size_t body_len, rec_t *out) {
  sbuf_t b = {0};
  uint32_t nh = 0;
  while (headers && headers[2 * nh]) nh++;
  sb_abistr(&b, method);
  sb_abistr(&b, url);
  sb_u32(&b, nh);
  for (uint32_t i = 0; i < 2 * nh; i++) sb_abistr(&b, headers[i]);
  sb_u32(&b, (uint32_t)body_len);
  sb_put(&b, body, body_len);
  int32_t args[2] = {put(g, b.p, b.len), (int32_t)b.len};
  free(b.p);
  int32_t rc = call(g, "wbjs_invoke", args, 2);
  if (!g->trapped) read_record(g, out);
  return rc;
}

static int32_t invoke(guest_t *g, rec_t *out) {
  return invoke_req(g, "GET", "http://localhost/", NULL, "", 0, out);
}

/* Deploys src, invokes it once with GET and checks for a 200 whose body
   is want. */
static void expect_body(const char *src, const char *want) {
  guest_t *g = deploy(src);
  if (!g) return;
  rec_t r;
  int32_t rc = invoke(g, &r);
  if (rc != 0) fprintf(stderr, "invoke failed: %s\n%s\n", r.msg, r.stack);
  CHECK_EQ(rc, 0);
  CHECK(!r.malformed);
  CHECK_EQ(r.status, 200);
  CHECK(r.body && strcmp(r.body, want) == 0);
  if (r.body && strcmp(r.body, want) != 0) fprintf(stderr, "body: %s\nwant: %s\n", r.body, want);
  rec_free(&r);
}

/* Deploys src, invokes it and expects an error record whose message
   contains want. */
static void expect_error(const char *src, const char *want, rec_t *r) {
  guest_t *g = deploy(src);
  if (!g) return;
  CHECK_EQ(invoke(g, r), 1);
  CHECK(!g->trapped);
  CHECK(!r->malformed);
  CHECK_EQ(r->kind, 1);
  CHECK_CONTAINS(r->msg, want);
}

/* {====================== Cases ======================} */

static void test_hello(void) {
  guest_t *g = guest_new();
  uint8_t *bc;
  size_t n;
  rec_t r;
  const char *src = "export default { fetch(r, env) { return new Response(\"hi\") } }";
  CHECK_EQ(compile(g, src, "hello.js", &bc, &n, NULL), 0);
  CHECK(n > 16);
  CHECK_EQ(load(g, bc, n, "{}", &r), 0);
  CHECK(!r.malformed);
  CHECK_EQ(r.kind, 0);
  CHECK_EQ(r.nlogs, 0);
  rec_free(&r);
  CHECK_EQ(invoke(g, &r), 0);
  CHECK(!r.malformed);
  CHECK_EQ(r.status, 200);
  CHECK_EQ(r.body_len, 2);
  CHECK(r.body && strcmp(r.body, "hi") == 0);
  rec_free(&r);
  /* the instance keeps serving (the host resets it, but nothing breaks) */
  CHECK_EQ(invoke(g, &r), 0);
  CHECK(r.body && strcmp(r.body, "hi") == 0);
  rec_free(&r);
  free(bc);
}

static void test_syntax_error(void) {
  guest_t *g = guest_new();
  uint8_t *bc;
  size_t n;
  rec_t r;
  const char *src = "// line 1\nexport default {\n  fetch(r) { return (1 + ; }\n}\n";
  CHECK_EQ(compile(g, src, "bad.js", &bc, &n, &r), 1);
  CHECK(!r.malformed);
  CHECK_EQ(r.kind, 1);
  CHECK_CONTAINS(r.msg, "SyntaxError: ");
  CHECK(r.loc && strcmp(r.loc, "bad.js:3:26") == 0);
  if (r.loc) fprintf(stderr, "syntax error at %s: %s\n", r.loc, r.msg);
  CHECK_CONTAINS(r.stack, "bad.js:3");
  rec_free(&r);
  /* a column counts code points, not bytes */
  CHECK_EQ(compile(g, "let s = \"\xc3\xa9\xc3\xa9\"; )", "u.js", &bc, &n, &r), 1);
  CHECK(r.loc && strcmp(r.loc, "u.js:1:15") == 0);
  rec_free(&r);
}

static void test_throw(void) {
  rec_t r;
  expect_error("function inner() { throw new Error('boom') }\n"
               "export default { fetch() { inner() } }",
               "Error: boom", &r);
  CHECK(r.msg && strcmp(r.msg, "Error: boom") == 0);
  CHECK(r.loc && r.loc[0] == '\0');
  CHECK_CONTAINS(r.stack, "at inner (handler.js:1)");
  CHECK_CONTAINS(r.stack, "at fetch (handler.js:2)");
  rec_free(&r);
  expect_error("export default { fetch() { return undefined.x } }", "TypeError: ", &r);
  rec_free(&r);
  expect_error("export default { async fetch() { await null; throw new RangeError('late') } }",
               "RangeError: late", &r);
  CHECK_CONTAINS(r.stack, "handler.js");
  rec_free(&r);
  expect_error("export default { fetch() { return Promise.reject('plain') } }", "plain", &r);
  CHECK(r.stack && r.stack[0] == '\0');
  rec_free(&r);
}

static void test_not_a_response(void) {
  rec_t r;
  expect_error("export default { fetch() { return 42 } }", "TypeError", &r);
  rec_free(&r);
}

static void test_never_settles(void) {
  rec_t r;
  expect_error("export default { fetch() { return new Promise(() => {}) } }",
               "the handler's promise never settled", &r);
  CHECK(r.msg && strcmp(r.msg, "the handler's promise never settled") == 0);
  rec_free(&r);
}

static void test_timers(void) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  expect_body("export default { fetch() {\n"
              "  const seen = [];\n"
              "  return new Promise((done) => {\n"
              "    setTimeout(() => { seen.push('b'); done(new Response(seen.join(''))) }, 30);\n"
              "    setTimeout(() => seen.push('a'), 10);\n"
              "    Promise.resolve().then(() => seen.push('m'));\n"
              "  }) } }",
              "mab");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK(ms >= 30);
}

static void test_request(void) {
  guest_t *g = deploy("export default { async fetch(r) {\n"
                      "  const b = await r.text();\n"
                      "  return new Response([r.method, r.url, r.headers.get('x-a'),\n"
                      "    b, b.length].join('|'),\n"
                      "    { status: 201, headers: { 'x-out': 'v\\u00e9' } }) } }");
  if (!g) return;
  const char *headers[] = {"X-A", "1", NULL};
  rec_t r;
  CHECK_EQ(invoke_req(g, "POST", "http://h/p?q=1", headers, "h\xc3\xa9\xe0\x80", 5, &r), 0);
  CHECK_EQ(r.status, 201);
  /* invalid UTF-8 arrives as U+FFFD (WHATWG: E0 80 is two errors) */
  const char *want = "POST|http://h/p?q=1|1|h\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd|4";
  CHECK(r.body && strcmp(r.body, want) == 0);
  if (r.body) fprintf(stderr, "echo: %s\n", r.body);
  bool found = false; /* the library may add content-type */
  for (uint32_t i = 0; i < r.nheaders && i < MAXN; i++)
    found |= strcmp(r.hname[i], "x-out") == 0 && strcmp(r.hval[i], "v\xc3\xa9") == 0;
  CHECK(found);
  rec_free(&r);
  /* a request cut short is an error, not a crash */
  int32_t args[2] = {put(g, "\x03\0\0\0GE", 6), 6};
  CHECK_EQ(call(g, "wbjs_invoke", args, 2), 1);
  CHECK(!g->trapped);
  read_record(g, &r);
  CHECK_CONTAINS(r.msg, "malformed request");
  rec_free(&r);
}

/* The request's URL as the library serializes it (a URL in that form
   already passes unparsed), its headers checked on first use: those that
   fail are dropped, values lose their surrounding whitespace. */
static void test_request_url(void) {
  guest_t *g = deploy("export default { async fetch(r) {\n"
                      "  return new Response([r.url, [...r.headers].join(';'), String(r.body),\n"
                      "    (await r.text()).length].join('|')) } }");
  if (!g) return;
  const char *headers[] = {"X-B", " 2 ", "bad name", "v", "X-A", "1", "x-c", "a\nb", NULL};
  rec_t r;
  CHECK_EQ(invoke_req(g, "GET", "http://H:80/a/./b/../c?x='y'", headers, "", 0, &r), 0);
  CHECK(r.body && strcmp(r.body, "http://h/a/c?x=%27y%27|x-a,1;x-b,2|null|0") == 0);
  if (r.body) fprintf(stderr, "request: %s\n", r.body);
  rec_free(&r);
  CHECK_EQ(invoke_req(g, "GET", "http://localhost:8080/p?q=1", NULL, "", 0, &r), 0);
  CHECK(r.body && strcmp(r.body, "http://localhost:8080/p?q=1||null|0") == 0);
  rec_free(&r);
  /* a URL the parser refuses fails the request */
  CHECK_EQ(invoke_req(g, "GET", "http://a b/", NULL, "", 0, &r), 1);
  CHECK_CONTAINS(r.msg, "Invalid request URL");
  rec_free(&r);
}

/* The response's headers go out as iterating them shows them: names
   sorted, the values of one name combined, set-cookie apart. */
static void test_response_headers(void) {
  guest_t *g = deploy("export default { fetch() { return new Response('x', { headers: [\n"
                      "  ['X-B', '2'], ['x-a', '1'], ['x-b', '3'], ['Set-Cookie', 'a=1'],\n"
                      "  ['set-cookie', 'b=2']] }) } }");
  if (!g) return;
  static const char *const want[][2] = {{"content-type", "text/plain;charset=UTF-8"},
                                        {"set-cookie", "a=1"}, {"set-cookie", "b=2"},
                                        {"x-a", "1"}, {"x-b", "2, 3"}};
  rec_t r;
  CHECK_EQ(invoke(g, &r), 0);
  CHECK_EQ(r.nheaders, 5);
  for (uint32_t i = 0; i < r.nheaders && i < 5; i++) {
    CHECK(strcmp(r.hname[i], want[i][0]) == 0 && strcmp(r.hval[i], want[i][1]) == 0);
    fprintf(stderr, "header %u: %s: %s\n", i, r.hname[i], r.hval[i]);
  }
  rec_free(&r);
}

/* What fetch returns is awaited as `await` does: a thenable's `then` is
   read once and called in a job, nested thenables resolve all the way,
   and jobs the handler queued run before a plain result is read. */
static void test_thenables(void) {
  rec_t r;
  expect_body("let reads = 0;\n"
              "export default { fetch() { return { get then() { reads++;\n"
              "  return (ok) => ok(new Response('reads ' + reads)) } } } }",
              "reads 1");
  expect_body("export default { fetch() { return { then(ok) { ok({ then(ok2) {\n"
              "  ok2(Promise.resolve(new Response('deep'))) } }) } } } }",
              "deep");
  expect_body("export default { fetch() { const res = new Response('late');\n"
              "  Promise.resolve().then(() => res.headers.set('x-late', '1'));\n"
              "  return res } }",
              "late");
  guest_t *g = deploy("export default { fetch() { const res = new Response('x');\n"
                      "  Promise.resolve().then(() => res.headers.set('x-late', '1'));\n"
                      "  return res } }");
  if (g && invoke(g, &r) == 0) {
    bool late = false;
    for (uint32_t i = 0; i < r.nheaders && i < MAXN; i++) late |= strcmp(r.hname[i], "x-late") == 0;
    CHECK(late);
    rec_free(&r);
  }
  expect_error("export default { fetch() {\n"
               "  return { get then() { throw new Error('no then') } } } }",
               "Error: no then", &r);
  rec_free(&r);
  expect_error("export default { fetch() {\n"
               "  return { then() { throw new TypeError('bad then') } } } }",
               "TypeError: bad then", &r);
  rec_free(&r);
}

static void test_env(void) {
  const char *src = "export default { fetch(r, env) {\n"
                    "  'use strict';\n"
                    "  let w = 'writable';\n"
                    "  try { env.nested.x = 2 } catch (e) { w = e.name }\n"
                    "  return new Response(env.greeting + ' ' + env.nested.x + ' ' + w) } }";
  guest_t *g = deploy_env(src, "{\"greeting\": \"yo\", \"nested\": {\"x\": 1}}");
  rec_t r;
  if (g) {
    CHECK_EQ(invoke(g, &r), 0);
    CHECK(r.body && strcmp(r.body, "yo 1 TypeError") == 0);
    rec_free(&r);
  }
  /* env must be a JSON object */
  g = guest_new();
  uint8_t *bc;
  size_t n;
  CHECK_EQ(compile(g, src, "e.js", &bc, &n, NULL), 0);
  CHECK_EQ(load(g, bc, n, "[1, 2]", &r), 1);
  CHECK_CONTAINS(r.msg, "env must be a JSON object");
  rec_free(&r);
  CHECK_EQ(load(g, bc, n, "{oops", &r), 1);
  CHECK_CONTAINS(r.msg, "SyntaxError");
  rec_free(&r);
  free(bc);
}

static void test_load_errors(void) {
  guest_t *g = guest_new();
  uint8_t *bc;
  size_t n;
  rec_t r;
  CHECK_EQ(compile(g, "console.log('top', 1); export default { nofetch() {} }", "x.js", &bc, &n,
                   NULL),
           0);
  CHECK_EQ(load(g, bc, n, "{}", &r), 1);
  CHECK_CONTAINS(r.msg, "no fetch method");
  CHECK_EQ(r.nlogs, 1); /* what evaluation printed comes along */
  CHECK(r.log[0] && strcmp(r.log[0], "top 1") == 0);
  rec_free(&r);
  free(bc);
  g = guest_new();
  CHECK_EQ(compile(g, "throw new Error('at load')", "y.js", &bc, &n, NULL), 0);
  CHECK_EQ(load(g, bc, n, "", &r), 1);
  CHECK(r.msg && strcmp(r.msg, "Error: at load") == 0);
  rec_free(&r);
  free(bc);
  /* there are no modules to import (QuickJS resolves imports at compile) */
  g = guest_new();
  CHECK_EQ(compile(g, "import x from 'elsewhere'; export default x", "z.js", &bc, &n, &r), 1);
  CHECK(r.msg && strcmp(r.msg, "ReferenceError: could not load module 'elsewhere'") == 0);
  CHECK(r.loc && r.loc[0] == '\0');
  rec_free(&r);
  /* garbage bytecode is an error too */
  CHECK_EQ(load(g, (const uint8_t *)"\x02garbage", 8, "{}", &r), 1);
  CHECK(!g->trapped);
  rec_free(&r);
}

static void test_logs(void) {
  guest_t *g = deploy("console.log('loaded');\n"
                      "export default { fetch() {\n"
                      "  console.log('a', 1); console.info('i'); console.warn('w');\n"
                      "  console.error('e'); console.debug('d'); console.log('\\ud800x');\n"
                      "  return new Response('') } }");
  if (!g) return;
  rec_t r;
  CHECK_EQ(invoke(g, &r), 0);
  CHECK_EQ(r.nlogs, 6);
  for (uint32_t i = 0; i < 5; i++) CHECK_EQ(r.level[i], i);
  CHECK(r.log[0] && strcmp(r.log[0], "a 1") == 0);
  CHECK(r.log[5] && strcmp(r.log[5], "\xef\xbf\xbdx") == 0); /* lone surrogate */
  CHECK_EQ(r.body_len, 0);
  rec_free(&r);
  /* 64 KiB of log text at most, then one "[logs truncated]" */
  g = deploy("export default { fetch() {\n"
             "  for (let i = 0; i < 100; i++) console.log('\\u00e9'.repeat(2000) + i);\n"
             "  return new Response('ok') } }");
  if (!g) return;
  CHECK_EQ(invoke(g, &r), 0);
  CHECK(r.log_bytes <= 65536 + strlen("[logs truncated]"));
  CHECK(r.log_bytes > 60000);
  CHECK(r.nlogs < MAXN && r.log[r.nlogs - 1] && strcmp(r.log[r.nlogs - 1], "[logs truncated]") == 0);
  CHECK(r.body && strcmp(r.body, "ok") == 0);
  rec_free(&r);
}

static void test_utf8(void) {
  expect_body("export default { fetch() {\n"
              "  const e = new TextEncoder().encode('a\\u00e9\\ud83d\\ude00\\udc00');\n"
              "  const d = new TextDecoder();\n"
              "  let fatal = 'none';\n"
              "  try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xc3])) }\n"
              "  catch (x) { fatal = x.name }\n"
              "  const bad = d.decode(new Uint8Array([0xf0, 0x9f, 0x98, 0x41, 0xed, 0xa0, 0x80,\n"
              "                                       0xc0, 0xaf, 0xf4, 0x90]));\n"
              "  const dv = d.decode(new DataView(new Uint8Array([0x30, 0x31, 0x32]).buffer, 1, 2));\n"
              "  return new Response([Array.from(e).join(','), bad.length, escape(bad),\n"
              "                       d.decode(e), fatal, dv].join(' ')) } }",
              "97,195,169,240,159,152,128,239,191,189 9 %uFFFDA%uFFFD%uFFFD%uFFFD%uFFFD%uFFFD%uFFFD%"
              "uFFFD a\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd TypeError 12");
}

static void test_random(void) {
  expect_body("export default { fetch() {\n"
              "  const a = crypto.getRandomValues(new Uint8Array(64));\n"
              "  return new Response(String(a.some((x) => x !== 0) && a.length)) } }",
              "64");
  /* Math.random is reseeded per request, even from one snapshot */
  guest_t *g1 = deploy("export default { fetch() { return new Response(String(Math.random())) } }");
  if (!g1) return;
  rec_t r1, r2;
  CHECK_EQ(invoke(g1, &r1), 0);
  guest_t *g2 = deploy("export default { fetch() { return new Response(String(Math.random())) } }");
  if (!g2) return;
  CHECK_EQ(invoke(g2, &r2), 0);
  CHECK(r1.body && r2.body && strcmp(r1.body, r2.body) != 0);
  rec_free(&r1);
  rec_free(&r2);
}

static void test_limits(void) {
  rec_t r;
  /* deep recursion is a JavaScript exception, not a trap */
  expect_error("function f(n) { return f(n + 1) + 1 }\n"
               "export default { fetch() { return f(0) } }",
               "stack overflow", &r);
  rec_free(&r);
  /* so is running out of memory (the store caps memory at 64 MiB) */
  expect_error("export default { fetch() { const a = [];\n"
               "  for (;;) a.push(new Array(100000).fill(a.length)) } }",
               "out of memory", &r);
  rec_free(&r);
  /* small blocks until none is left: QuickJS cannot make the error object */
  expect_error("export default { fetch() { let a = []; for (;;) a = [a] } }", "", &r);
  CHECK(r.msg && strcmp(r.msg, "InternalError: out of memory") == 0);
  if (r.msg) fprintf(stderr, "exhausted: %s\n", r.msg);
  rec_free(&r);
}

/* {====================== Number rounding and QuickJS's tests ======================} */

static void test_tofixed(void) {
  char *js = read_file(test_dir, "tofixed.js", NULL);
  CHECK(js != NULL);
  if (!js) return;
  sbuf_t src = {0};
  sb_str(&src, js);
  sb_str(&src, "\nexport default { fetch() { return new Response(check()) } }\n");
  guest_t *g = deploy(src.p);
  rec_t r;
  if (g && invoke(g, &r) == 0) {
    CHECK(r.body && strncmp(r.body, "ok ", 3) == 0);
    fprintf(stderr, "tofixed.js: %s\n", r.body);
    rec_free(&r);
  }
  free(src.p);
  free(js);
}

/* Runs one of QuickJS's tests/test_*.js (a sloppy-mode script) with an
   indirect eval inside a handler. */
static void run_quickjs_test(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests", quickjs_dir);
  size_t n;
  char *js = read_file(path, name, &n);
  CHECK(js != NULL);
  if (!js) return;
  sbuf_t src = {0};
  sb_str(&src, "const src = ");
  sb_json(&src, js, n);
  sb_str(&src, ";\nexport default { fetch() { (0, eval)(src); return new Response('ok') } }\n");
  guest_t *g = deploy(src.p);
  rec_t r;
  if (g) {
    int32_t rc = invoke(g, &r);
    if (rc != 0) fprintf(stderr, "%s: %s\n%s\n", name, g->trapped ? g->trap_msg : r.msg, r.stack);
    CHECK_EQ(rc, 0);
    if (!g->trapped) rec_free(&r);
  }
  fprintf(stderr, "quickjs tests/%s: %s\n", name, g && !g->trapped ? "ran" : "failed");
  free(src.p);
  free(js);
}

static void test_quickjs(void) {
  run_quickjs_test("test_builtin.js");
  run_quickjs_test("test_language.js");
  run_quickjs_test("test_closure.js");
  run_quickjs_test("test_loop.js");
}

/* {====================== Setup ======================} */

static void setup(const char *wasm_path, const char *tier) {
  size_t n;
  uint8_t *bytes = (uint8_t *)read_path(wasm_path, &n);
  if (!bytes) {
    fprintf(stderr, "cannot read %s\n", wasm_path);
    exit(2);
  }
  wb_config_t *config = wb_config_new();
  if (strcmp(tier, "aot") == 0) wb_config_engine_set(config, WB_ENGINE_AOT);
  engine = wb_engine_new(config);
  wb_error_t *err = wb_module_new(engine, bytes, n, &module);
  free(bytes);
  store = wb_store_new(engine);
  wb_limits_t lim = {.max_memory_bytes = 64u << 20};
  wb_store_limits_set(store, &lim);
  wb_store_deadline_set(store, 60ull * 1000000000ull);
  wb_wasi_config_t *cfg = wb_wasi_config_new();
  wb_wasi_config_allow_clocks(cfg, true);
  wb_wasi_config_allow_random(cfg, true);
  if (!err) err = wb_wasi_new(store, cfg, &wasi);
  linker = wb_linker_new(store);
  if (!err) err = wb_wasi_link(wasi, linker);
  wb_trap_t *trap = NULL;
  if (!err) err = wb_template_new(linker, module, "wbjs_init", &base, &trap);
  if (err || trap) {
    fprintf(stderr, "setup: %s\n", err ? wb_error_message(err) : wb_trap_message(trap));
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "aot") && strcmp(argv[4], "interp"))) {
    fprintf(stderr, "usage: test_js_guest GUEST.wasm TEST_DIR QUICKJS_DIR [interp|aot]\n");
    return 2;
  }
  test_dir = argv[2];
  quickjs_dir = argv[3];
  setup(argv[1], argc == 5 ? argv[4] : "interp");
  void (*tests[])(void) = {test_hello,  test_syntax_error, test_throw,  test_not_a_response,
                           test_never_settles, test_timers, test_request,
                           test_request_url, test_response_headers, test_thenables, test_env,
                           test_load_errors, test_logs, test_utf8,  test_random,
                           test_limits, test_tofixed, test_quickjs};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tests[i]();
  printf("js_guest: %d passed, %d failed\n", test_passed, test_failed);
  while (guests) {
    guest_t *next = guests->next;
    free(guests);
    guests = next;
  }
  return test_failed ? 1 : 0;
}
