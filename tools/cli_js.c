/* SPDX-License-Identifier: Apache-2.0 */
/*
** `wasmbox js HANDLER.js [OPTIONS]`: deploys one JavaScript handler
** (include/wasmbox_js.h) and sends it one request built from the options.
** Prints the response on stdout:
**
**   HTTP 200
**   content-type: text/plain;charset=UTF-8
**
**   hello
**
** and the console output on stderr, one line each ("[log] ...",
** "[warn] ..."). Exit status: 0 when the handler returned a Response
** (whatever its status), 1 when it did not (syntax error, exception,
** rejected or never-settled promise, timeout, trap) with the reason on
** stderr, 2 for usage errors.
**
** The engine runs in the AOT tier by default: QuickJS interpreted by the
** wasm interpreter is tens of times slower, and the build warms the AOT
** cache with the guest, so a first run only loads it. Without a C
** compiler the AOT tier cannot start; then the command says so and uses
** the interpreter (unless --engine asked for aot explicitly).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define JS_EXIT_FAIL 1
#define JS_EXIT_USAGE 2

#ifndef WB_HAVE_JS

int cli_js(int argc, char **argv) {
  (void)argc;
  fprintf(stderr, "wasmbox: %s: not available in this build (built without the JavaScript guest)\n",
          argv[0]);
  return JS_EXIT_USAGE;
}

#else

#include "wasmbox_js.h"

static const char js_usage[] =
    "usage: wasmbox js HANDLER.js [OPTIONS]\n"
    "\n"
    "Runs a Workers-style handler (export default { fetch(request, env) {...} })\n"
    "on one request and prints the response: HTTP STATUS, headers, a blank line,\n"
    "the body. Console output goes to stderr.\n"
    "\n"
    "options:\n"
    "  --method METHOD            request method (default GET)\n"
    "  --path /PATH[?QUERY]       request path (default /)\n"
    "  --header 'NAME: VALUE'     a request header (repeatable)\n"
    "  --body TEXT, --body @FILE  request body, as text or from a file\n"
    "  --env NAME=VALUE           a string in the handler's env (repeatable)\n"
    "  --timeout DURATION         per evaluation and request (default 5s)\n"
    "  --max-memory SIZE          linear memory limit (default 32M)\n"
    "  --engine interp|aot|auto   execution tier (default aot)\n"
    "\n"
    "exit status: 0 a Response came back, 1 it did not (error on stderr),\n"
    "2 usage error\n";

/* What the command line asked for; arrays sized for argc entries. */
typedef struct js_opts {
  const char *file, *method, *path, *body;
  wb_js_header_t *headers;
  size_t nheaders;
  const char **envs; /* NAME=VALUE */
  size_t nenvs;
  cli_limits_t limits;
  wb_engine_kind_t engine;
  bool engine_given;
} js_opts_t;

/* A growable byte buffer; the CLI exits if the host runs out of memory. */
typedef struct js_buf {
  char *p;
  size_t len, cap;
} js_buf_t;

static void buf_add(js_buf_t *b, const void *data, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      fputs("wasmbox: js: out of memory\n", stderr);
      exit(JS_EXIT_FAIL);
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static int js_usage_error(const char *what, const char *arg) {
  fprintf(stderr, "wasmbox: js: %s%s%s\n\n%s", what, arg ? " " : "", arg ? arg : "", js_usage);
  return JS_EXIT_USAGE;
}

/* {====================== Arguments ======================} */

/* "--opt VALUE" or "--opt=VALUE" at argv[*i]; NULL if not --opt. *missing
   when the value is absent. */
static const char *js_value(int argc, char **argv, int *i, const char *opt, bool *missing) {
  size_t n = strlen(opt);
  const char *a = argv[*i];
  if (strncmp(a, opt, n) != 0) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (a[n]) return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return a;
  }
  return argv[++*i];
}

/* --header 'NAME: VALUE': the value's leading blanks are dropped. */
static bool parse_header(const char *v, wb_js_header_t *h) {
  const char *colon = strchr(v, ':');
  if (!colon || colon == v) return false;
  const char *val = colon + 1;
  while (*val == ' ' || *val == '\t')
    val++;
  *h = (wb_js_header_t){
      .name = v, .name_len = (size_t)(colon - v), .value = val, .value_len = strlen(val)};
  return true;
}

static int parse_engine(const char *v, js_opts_t *o) {
  if (strcmp(v, "interp") == 0)
    o->engine = WB_ENGINE_INTERP;
  else if (strcmp(v, "aot") == 0)
    o->engine = WB_ENGINE_AOT;
  else if (strcmp(v, "auto") == 0)
    o->engine = WB_ENGINE_AUTO;
  else
    return js_usage_error("--engine needs interp, aot or auto, not", v);
  o->engine_given = true;
  return -1;
}

/* One option at argv[*i]; -1 to go on, else an exit status. */
static int parse_one(int argc, char **argv, int *i, js_opts_t *o) {
  bool missing = false;
  const char *v;
  if ((v = js_value(argc, argv, i, "--method", &missing))) {
    if (missing || !*v) return js_usage_error("--method needs a METHOD", NULL);
    o->method = v;
  } else if ((v = js_value(argc, argv, i, "--path", &missing))) {
    if (missing || v[0] != '/') return js_usage_error("--path needs a path starting with /", NULL);
    o->path = v;
  } else if ((v = js_value(argc, argv, i, "--header", &missing))) {
    if (missing || !parse_header(v, &o->headers[o->nheaders]))
      return js_usage_error("--header needs 'NAME: VALUE'", NULL);
    o->nheaders++;
  } else if ((v = js_value(argc, argv, i, "--body", &missing))) {
    if (missing) return js_usage_error("--body needs TEXT or @FILE", NULL);
    o->body = v;
  } else if ((v = js_value(argc, argv, i, "--env", &missing))) {
    if (missing || !strchr(v, '=') || v[0] == '=')
      return js_usage_error("--env needs NAME=VALUE", NULL);
    o->envs[o->nenvs++] = v;
  } else if ((v = js_value(argc, argv, i, "--engine", &missing))) {
    return missing ? js_usage_error("--engine needs interp, aot or auto", NULL)
                   : parse_engine(v, o);
  } else {
    const char *opt = argv[*i];
    int rc = cli_limits_parse(argc, argv, i, &o->limits);
    if (rc < 0) return JS_EXIT_USAGE;
    if (rc == 0 || o->limits.fuel_set || o->limits.stack_bytes)
      return js_usage_error("unknown option", opt); /* --fuel and --max-stack too */
  }
  return -1;
}

static int parse_args(int argc, char **argv, js_opts_t *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(js_usage, stdout);
      return 0;
    }
    if (a[0] == '-' && a[1]) {
      int rc = parse_one(argc, argv, &i, o);
      if (rc >= 0) return rc;
    } else if (o->file) {
      return js_usage_error("unexpected argument", a);
    } else {
      o->file = a;
    }
  }
  return o->file ? -1 : js_usage_error("missing HANDLER.js", NULL);
}

/* {====================== Inputs ======================} */

/* Appends s as a JSON string literal. */
static void json_string(js_buf_t *b, const char *s, size_t n) {
  buf_add(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\', esc[1] = (char)c;
      buf_add(b, esc, 2);
    } else if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      buf_add(b, esc, 6);
    } else {
      buf_add(b, s + i, 1);
    }
  }
  buf_add(b, "\"", 1);
}

/* The handler's env: {"NAME": "VALUE", ...}. */
static char *env_json(const js_opts_t *o) {
  js_buf_t b = {0};
  buf_add(&b, "{", 1);
  for (size_t i = 0; i < o->nenvs; i++) {
    const char *eq = strchr(o->envs[i], '=');
    if (i) buf_add(&b, ",", 1);
    json_string(&b, o->envs[i], (size_t)(eq - o->envs[i]));
    buf_add(&b, ":", 1);
    json_string(&b, eq + 1, strlen(eq + 1));
  }
  buf_add(&b, "}", 1);
  return b.p;
}

/* "http://HOST/PATH", HOST from a Host header if given. */
static char *request_url(const js_opts_t *o) {
  js_buf_t b = {0};
  const char *host = "localhost";
  size_t hl = strlen(host);
  for (size_t i = 0; i < o->nheaders; i++)
    if (o->headers[i].name_len == 4 && strncasecmp(o->headers[i].name, "host", 4) == 0)
      host = o->headers[i].value, hl = o->headers[i].value_len;
  buf_add(&b, "http://", 7);
  buf_add(&b, host, hl);
  const char *path = o->path ? o->path : "/";
  buf_add(&b, path, strlen(path));
  return b.p;
}

/* {====================== Output ======================} */

static void print_log(void *env, const wb_js_log_t *log) {
  (void)env;
  static const char *const names[] = {"log", "info", "warn", "error", "debug"};
  const char *name = (unsigned)log->level <= WB_JS_DEBUG ? names[log->level] : "log";
  fprintf(stderr, "[%s] %s\n", name, log->text);
}

/* Prints the result; returns the exit status. */
static int print_result(const wb_js_result_t *res) {
  for (size_t i = 0; i < res->nlogs; i++)
    print_log(NULL, &res->logs[i]);
  if (res->outcome != WB_JS_OK) {
    if (res->outcome == WB_JS_EXCEPTION)
      fprintf(stderr, "%s\n", res->error);
    else
      fprintf(stderr, "wasmbox: js: %s\n", res->error);
    if (res->stack && res->stack[0]) {
      size_t n = strlen(res->stack);
      fprintf(stderr, "%s%s", res->stack, res->stack[n - 1] == '\n' ? "" : "\n");
    }
    return JS_EXIT_FAIL;
  }
  printf("HTTP %u\n", (unsigned)res->status);
  for (size_t i = 0; i < res->nheaders; i++)
    printf("%s: %s\n", res->headers[i].name, res->headers[i].value);
  putchar('\n');
  fwrite(res->body, 1, res->body_len, stdout);
  return fflush(stdout) == 0 ? 0 : JS_EXIT_FAIL;
}

/* {====================== Running ======================} */

/* A runtime on a new engine of the given tier. */
static wb_error_t *make_runtime(wb_engine_kind_t kind, wb_engine_t **engine, wb_js_runtime_t **rt) {
  wb_config_t *config = wb_config_new();
  wb_config_engine_set(config, kind);
  *engine = wb_engine_new(config);
  wb_error_t *err = wb_js_runtime_new(*engine, NULL, rt);
  if (err) {
    wb_engine_delete(*engine);
    *engine = NULL;
  }
  return err;
}

/* The runtime in the asked tier; with the default tier, the interpreter
   when the AOT tier cannot start (no C compiler). */
static int start(const js_opts_t *o, wb_engine_t **engine, wb_js_runtime_t **rt) {
  wb_error_t *err = make_runtime(o->engine, engine, rt);
  if (err && !o->engine_given) {
    fprintf(stderr, "wasmbox: js: the AOT tier cannot start (%s); using the interpreter\n",
            wb_error_message(err));
    wb_error_delete(err);
    err = make_runtime(WB_ENGINE_INTERP, engine, rt);
  }
  if (!err) return -1;
  fprintf(stderr, "wasmbox: js: %s\n", wb_error_message(err));
  wb_error_delete(err);
  return JS_EXIT_FAIL;
}

/* Deploys the handler and runs the request. */
static int run(const js_opts_t *o, const char *src, size_t src_len, const char *body,
               size_t body_len) {
  wb_engine_t *engine = NULL;
  wb_js_runtime_t *rt = NULL;
  int rc = start(o, &engine, &rt);
  if (rc >= 0) return rc;
  const char *slash = strrchr(o->file, '/');
  char *envj = env_json(o), *url = request_url(o);
  wb_js_function_config_t cfg = {.filename = slash ? slash + 1 : o->file,
                                 .source = src,
                                 .source_len = src_len,
                                 .env_json = envj,
                                 .max_memory_bytes = o->limits.max_memory,
                                 .timeout_ns = o->limits.timeout_ns,
                                 .max_instances = 1,
                                 .on_log = print_log};
  wb_js_function_t *fn = NULL;
  wb_error_t *err = wb_js_function_new(rt, &cfg, &fn);
  if (err) {
    bool js_error = wb_error_kind(err) == WB_ERROR_VALIDATE;
    fprintf(stderr, "%s%s\n", js_error ? "" : "wasmbox: js: ", wb_error_message(err));
    wb_error_delete(err);
    rc = JS_EXIT_FAIL;
  } else {
    wb_js_request_t req = {.method = o->method ? o->method : "GET",
                           .url = url,
                           .headers = o->headers,
                           .nheaders = o->nheaders,
                           .body = (const uint8_t *)body,
                           .body_len = body_len};
    wb_js_result_t res;
    wb_js_function_invoke(fn, &req, NULL, &res);
    rc = print_result(&res);
    wb_js_result_free(&res);
    wb_js_function_delete(fn);
  }
  free(envj);
  free(url);
  wb_js_runtime_delete(rt);
  wb_engine_delete(engine);
  return rc;
}

int cli_js(int argc, char **argv) {
  js_opts_t o = {.engine = WB_ENGINE_AOT,
                 .headers = calloc((size_t)argc, sizeof(wb_js_header_t)),
                 .envs = calloc((size_t)argc, sizeof(const char *))};
  int rc = o.headers && o.envs ? parse_args(argc, argv, &o) : JS_EXIT_FAIL;
  char *src = NULL, *body = NULL;
  size_t src_len = 0, body_len = 0;
  if (rc < 0 && !(src = (char *)cli_read_file(o.file, &src_len))) {
    fprintf(stderr, "wasmbox: js: %s: %s\n", o.file, strerror(errno));
    rc = JS_EXIT_FAIL;
  }
  if (rc < 0 && o.body && o.body[0] == '@' &&
      !(body = (char *)cli_read_file(o.body + 1, &body_len))) {
    fprintf(stderr, "wasmbox: js: %s: %s\n", o.body + 1, strerror(errno));
    rc = JS_EXIT_FAIL;
  }
  if (rc < 0 && o.body && !body) body_len = strlen(o.body);
  if (rc < 0) rc = run(&o, src, src_len, body ? body : o.body, body_len);
  free(src);
  free(body);
  free(o.headers);
  free(o.envs);
  return rc;
}

#endif
