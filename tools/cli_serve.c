/* SPDX-License-Identifier: Apache-2.0 */
/*
** `wasmbox serve DIR [OPTIONS]`: the HTTP daemon (src/server). This file
** only reads the command line; see src/server/server.h.
**
** The admin token is better given through WASMBOX_ADMIN_TOKEN than with
** --admin-token, which other users of the machine can read in the
** process list.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef WB_HAVE_SERVER
#include "server/config.h"
#include "server/server.h"

static const char serve_usage[] =
    "usage: wasmbox serve DIR [--listen ADDR:PORT] [--workers N] [--admin-token T]\n"
    "                     [--engine interp|aot|auto] [--quiet] [--drain-timeout DURATION]\n"
    "                     [--idle-timeout DURATION] [--max-deploy-size SIZE]\n"
    "\n"
    "Serves every DIR/NAME.js (JavaScript handler) and DIR/NAME.wasm (WASI\n"
    "program, CGI style) at /NAME and below; DIR/NAME.json sets its limits\n"
    "and environment. Also /metrics (Prometheus), /healthz and, with a token\n"
    "(--admin-token or $WASMBOX_ADMIN_TOKEN), the admin API under /_admin/.\n"
    "\n"
    "  --listen ADDR:PORT       default 127.0.0.1:8787; port 0 picks a free port\n"
    "                           (printed as the first line: listening on ADDR:PORT)\n"
    "  --workers N              HTTP worker threads (default: the number of CPUs)\n"
    "  --admin-token T          enables /_admin/ for Authorization: Bearer T\n"
    "  --engine interp|aot|auto how modules run (default aot: compiled at deploy)\n"
    "  --quiet                  no access log (failures are still logged)\n"
    "  --drain-timeout DURATION how long SIGTERM waits for requests (default 30s)\n"
    "  --idle-timeout DURATION  closes idle keep-alive connections (default 30s)\n"
    "  --max-deploy-size SIZE   admin upload limit (default 64M)\n";

static int serve_error(const char *fmt, const char *arg) {
  fputs("wasmbox: serve: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n\n", stderr);
  fputs(serve_usage, stderr);
  return 1;
}

/* "--opt=V" or "--opt V": the value, or NULL if argv[*i] is not --opt.
 *missing when the value is absent. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, bool *missing) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != 0) return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return argv[*i];
  }
  return argv[++*i];
}

static bool parse_engine(const char *v, wb_engine_kind_t *out) {
  if (strcmp(v, "interp") == 0)
    *out = WB_ENGINE_INTERP;
  else if (strcmp(v, "aot") == 0)
    *out = WB_ENGINE_AOT;
  else if (strcmp(v, "auto") == 0)
    *out = WB_ENGINE_AUTO;
  else
    return false;
  return true;
}

/* One option at argv[*i]: 1 taken, 0 not an option we know, -1 bad value. */
static int parse_option(int argc, char **argv, int *i, srv_options_t *o) {
  bool missing = false;
  const char *v;
  uint64_t n;
  if ((v = opt_value(argc, argv, i, "--listen", &missing)))
    o->listen = v;
  else if ((v = opt_value(argc, argv, i, "--admin-token", &missing)))
    o->admin_token = v;
  else if ((v = opt_value(argc, argv, i, "--workers", &missing))) {
    char *end;
    unsigned long w = strtoul(v, &end, 10);
    if (missing || *end || w < 1 || w > 1024) return -1;
    o->workers = (unsigned)w;
  } else if ((v = opt_value(argc, argv, i, "--engine", &missing))) {
    if (missing || !parse_engine(v, &o->engine)) return -1;
  } else if ((v = opt_value(argc, argv, i, "--drain-timeout", &missing))) {
    if (missing || !srv_parse_duration(v, &o->drain_timeout_ns)) return -1;
  } else if ((v = opt_value(argc, argv, i, "--idle-timeout", &missing))) {
    if (missing || !srv_parse_duration(v, &n) || n < 1000000000ull) return -1;
    o->idle_timeout = (unsigned)(n / 1000000000ull);
  } else if ((v = opt_value(argc, argv, i, "--max-deploy-size", &missing))) {
    if (missing || !srv_parse_size(v, &o->max_deploy_bytes) || !o->max_deploy_bytes) return -1;
  } else if (strcmp(argv[*i], "--quiet") == 0) {
    o->quiet = true;
  } else {
    return 0;
  }
  return missing ? -1 : 1;
}

int cli_serve(int argc, char **argv) {
  srv_options_t o;
  srv_options_defaults(&o);
  o.admin_token = getenv("WASMBOX_ADMIN_TOKEN");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(serve_usage, stdout);
      return 0;
    }
    int rc = a[0] == '-' ? parse_option(argc, argv, &i, &o) : 0;
    if (rc < 0) return serve_error("bad or missing value for %s", a);
    if (rc > 0) continue;
    if (a[0] == '-' || o.dir) return serve_error("unexpected argument %s", a);
    o.dir = a;
  }
  if (!o.dir) return serve_error("%s", "missing the functions directory");
  return srv_serve(&o);
}

#else /* built without the daemon (no libmicrohttpd) */

int cli_serve(int argc, char **argv) {
  (void)argc;
  fprintf(stderr, "wasmbox: %s: this build has no HTTP daemon (libmicrohttpd missing)\n", argv[0]);
  return 2;
}

#endif
