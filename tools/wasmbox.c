/* SPDX-License-Identifier: Apache-2.0 */
/*
** The `wasmbox` command-line tool.
**
**   wasmbox validate FILE.wasm
**   wasmbox run [OPTIONS] FILE.wasm [--] [ARGS...]
**   wasmbox snapshot IN.wasm [--init NAME] -o OUT.wasm   (cli_snapshot.c)
**   wasmbox js HANDLER.js [OPTIONS]                      (cli_js.c)
**   wasmbox serve DIR [OPTIONS]                          (cli_serve.c)
**
** `run` gives WASI (wasi_snapshot_preview1) to modules that import it,
** with nothing granted but stdio unless options say so (--dir, --dir-ro,
** --env, --inherit-env, --clock, --random, --allow-all). It calls _start
** with ARGS as the guest's argv[1..], or for a reactor (_initialize
** exported) _initialize then --invoke NAME.
**
** Exit status: 0 on success; the guest's proc_exit status (low 8 bits, as
** a native exit); 1 for usage, I/O, decode, validation and link errors
** (one line on stderr); 134 when the guest traps (the status of an abort,
** which is what a crashing native program would give), with the trap and
** its wasm backtrace on stderr.
**
** Built on the public API only, so it doubles as its first embedder.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_snapshot.h"
#include "wasmbox.h"
#include "wasmbox_wasi.h"

#define EXIT_USAGE 1
#define EXIT_TRAP 134
#define CLI_MAX_FRAMES 50 /* backtrace lines printed before eliding */

/* A directory grant: --dir / --dir-ro HOST[::GUEST]. */
typedef struct cli_dir {
  const char *spec; /* as given, for messages */
  bool read_only;
} cli_dir_t;

/* What the command line asked for. Arrays are sized for argc entries. */
typedef struct cli_opts {
  const char *cmd;     /* "run" or "validate" */
  const char *file;    /* the module's path */
  const char *invoke;  /* --invoke NAME, or NULL */
  const char **vals;   /* positional arguments after the file */
  size_t nvals;
  cli_dir_t *dirs;     /* WASI grants */
  size_t ndirs;
  const char **envs;   /* NAME=VALUE */
  size_t nenvs;
  bool inherit_env, clocks, random;
  cli_limits_t limits; /* --max-memory, --timeout, --fuel, --max-stack */
  wb_engine_kind_t engine; /* --engine interp|aot|auto */
} cli_opts_t;

static const char usage_text[] =
    "usage: wasmbox <command> [options]\n"
    "\n"
    "commands:\n"
    "  validate FILE.wasm                  decode and validate a module\n"
    "  run [OPTIONS] FILE.wasm [--] [ARGS...]\n"
    "                                      instantiate a module and call\n"
    "                                      --invoke NAME, else _start (WASI\n"
    "                                      programs get ARGS as argv[1..]),\n"
    "                                      else only the start function\n"
    "  compile IN.wasm [-o OUT.so]         compile ahead of time into the cache\n"
    "                                      ($WASMBOX_CACHE, ~/.cache/wasmbox);\n"
    "                                      -o also writes the shared object\n"
    "  snapshot IN.wasm [--init NAME] -o OUT.wasm\n"
    "                                      pre-initialise a module (Wizer's\n"
    "                                      format)\n"
    "  js HANDLER.js [OPTIONS]             run a JavaScript handler (export\n"
    "                                      default { fetch(request, env) })\n"
    "                                      on one request; wasmbox js --help\n"
    "  serve DIR [--listen ADDR:PORT] [--workers N] [--admin-token T]\n"
    "                                      serve DIR/NAME.js and DIR/NAME.wasm\n"
    "                                      over HTTP at /NAME (plus /metrics,\n"
    "                                      /healthz, /_admin/); see\n"
    "                                      `wasmbox serve --help`\n"
    "\n"
    "options:\n"
    "  --invoke NAME, --invoke=NAME  export to call; ARGS are parsed by its\n"
    "                                parameter types (integers: decimal or 0x\n"
    "                                hex; floats: decimal, hex float, inf, nan,\n"
    "                                nan:0x...; references: null). A WASI\n"
    "                                reactor runs _initialize first\n"
    "  -h, --help                    print this help\n"
    "  -V, --version                 print the version\n"
    "\n"
    "WASI grants (run; nothing but stdin, stdout and stderr by default):\n"
    "  --dir HOST[::GUEST]           directory HOST, read-write, seen by the\n"
    "                                guest as GUEST (default: HOST)\n"
    "  --dir-ro HOST[::GUEST]        the same, read-only\n"
    "  --env NAME=VALUE              an environment variable\n"
    "  --inherit-env                 the whole host environment\n"
    "  --clock                       the clocks (time, sleeping)\n"
    "  --random                      random_get (the host's getrandom)\n"
    "  --allow-all                   --clock --random --inherit-env (never\n"
    "                                directories)\n"
    "\n"
    "limits (run):\n"
    "  --max-memory SIZE             cap linear memory (e.g. 64M); memory.grow\n"
    "                                past it returns -1\n"
    "  --timeout DURATION            wall-clock limit of each call (e.g. 100ms,\n"
    "                                2s, 5min, 1h); the guest traps when it passes\n"
    "  --engine interp|aot|auto      execution tier (default interp)\n"
    "  --fuel N                      deterministic budget (about one unit per\n"
    "                                wasm instruction); traps when spent\n"
    "  --max-stack SIZE              value stack for wasm calls (default 64M)\n"
    "\n"
    "exit status: 0 success, the guest's exit status, 1 error, 134 the guest\n"
    "trapped\n";

/* Prints "wasmbox: <message>" and the usage on stderr; returns the usage
   exit status. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("wasmbox: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\n\n", stderr);
  fputs(usage_text, stderr);
  return EXIT_USAGE;
}

/* calloc that exits on failure: the CLI has nothing useful to do without
   the memory, and its allocations are tiny. */
static void *xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size);
  if (!p) {
    fputs("wasmbox: out of memory\n", stderr);
    exit(EXIT_USAGE);
  }
  return p;
}

/* {====================== Argument parsing ======================} */

/* The value of option `opt` at argv[*i]: "--opt=VALUE" or "--opt VALUE".
   NULL when argv[*i] is not that option; *missing when it has no value. */
static const char *option_value(int argc, char **argv, int *i, const char *opt,
                                bool *missing) {
  const char *a = argv[*i];
  size_t n = strlen(opt);
  if (strncmp(a, opt, n) != 0) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (a[n] != '\0') return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return a;
  }
  return argv[++*i];
}

/* Handles the run options that grant WASI capabilities. Returns 1 if
   argv[*i] was one, 0 if not, -1 after a usage error (printed). */
static int parse_grant(int argc, char **argv, int *i, cli_opts_t *o) {
  const char *a = argv[*i], *v;
  bool missing = false;
  if (strcmp(a, "--inherit-env") == 0) {
    o->inherit_env = true;
  } else if (strcmp(a, "--clock") == 0) {
    o->clocks = true;
  } else if (strcmp(a, "--random") == 0) {
    o->random = true;
  } else if (strcmp(a, "--allow-all") == 0) {
    o->clocks = o->random = o->inherit_env = true;
  } else if ((v = option_value(argc, argv, i, "--dir-ro", &missing)) ||
             (v = option_value(argc, argv, i, "--dir", &missing))) {
    bool ro = strncmp(a, "--dir-ro", 8) == 0;
    if (missing || *v == '\0' || strncmp(v, "::", 2) == 0)
      return usage_error("%s needs HOST[::GUEST]", ro ? "--dir-ro" : "--dir"), -1;
    o->dirs[o->ndirs++] = (cli_dir_t){.spec = v, .read_only = ro};
  } else if ((v = option_value(argc, argv, i, "--env", &missing))) {
    if (missing || *v == '=' || !strchr(v, '='))
      return usage_error("--env needs NAME=VALUE"), -1;
    o->envs[o->nenvs++] = v;
  } else {
    return 0;
  }
  return 1;
}

/* Handles one option of a subcommand at argv[*i]. Returns -1 when parsing
   goes on, else an exit status (help printed, or a usage error). */
static int parse_option(int argc, char **argv, int *i, cli_opts_t *o) {
  const char *a = argv[*i];
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  bool is_run = strcmp(o->cmd, "run") == 0;
  if (is_run) {
    int g = parse_grant(argc, argv, i, o);
    if (g == 0) g = cli_limits_parse(argc, argv, i, &o->limits);
    if (g != 0) return g > 0 ? -1 : EXIT_USAGE;
  }
  const char *name = NULL;
  if (is_run && strcmp(a, "--engine") == 0) {
    const char *e = *i + 1 < argc ? argv[++*i] : "";
    if (strcmp(e, "interp") == 0) o->engine = WB_ENGINE_INTERP;
    else if (strcmp(e, "aot") == 0) o->engine = WB_ENGINE_AOT;
    else if (strcmp(e, "auto") == 0) o->engine = WB_ENGINE_AUTO;
    else return usage_error("--engine needs interp, aot or auto");
    return -1;
  }
  if (is_run && strcmp(a, "--invoke") == 0) {
    if (*i + 1 >= argc) return usage_error("option %s needs a NAME", a);
    name = argv[++*i];
  } else if (is_run && strncmp(a, "--invoke=", 9) == 0) {
    name = a + 9;
  } else {
    return usage_error("unknown option '%s'", a);
  }
  if (o->invoke) return usage_error("%s given twice", "--invoke");
  if (*name == '\0') return usage_error("%s needs a NAME", "--invoke");
  o->invoke = name;
  return -1;
}

/* Parses the arguments of a subcommand (argv[2..]). Arguments starting with
   '-' are options until the file is seen; after it, a single '-' starts a
   value (a negative number, or a WASI program's own option), and "--"
   ends the options. Returns -1 on success, else an exit status. */
static int parse_command_args(int argc, char **argv, cli_opts_t *o) {
  bool options_done = false;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = true;
      continue;
    }
    bool dash = a[0] == '-' && a[1] != '\0';
    bool looks_like_option = dash && (o->file == NULL || a[1] == '-');
    if (!options_done && looks_like_option) {
      int rc = parse_option(argc, argv, &i, o);
      if (rc >= 0) return rc;
    } else if (o->file == NULL) {
      o->file = a;
    } else {
      o->vals[o->nvals++] = a;
    }
  }
  if (o->file == NULL) return usage_error("%s: missing FILE.wasm", o->cmd);
  if (o->nvals > 0 && strcmp(o->cmd, "validate") == 0)
    return usage_error("validate: unexpected argument '%s'", o->vals[0]);
  return -1;
}

/* {====================== Loading ======================} */

/* Reads path into *bytes; prints the error and returns false on failure. */
static bool load_bytes(const char *path, uint8_t **bytes, size_t *len) {
  *bytes = cli_read_file(path, len);
  if (*bytes == NULL) {
    fprintf(stderr, "wasmbox: %s: %s\n", path, strerror(errno));
    return false;
  }
  return true;
}

/* {====================== validate ======================} */

static int cmd_validate(const cli_opts_t *o) {
  uint8_t *bytes;
  size_t len;
  if (!load_bytes(o->file, &bytes, &len)) return EXIT_USAGE;
  wb_engine_t *engine = wb_engine_new(NULL);
  wb_error_t *err = wb_module_validate(engine, bytes, len);
  int rc = 0;
  if (err) {
    cli_report_error(NULL, o->file, err);
    wb_error_delete(err);
    rc = 1;
  }
  wb_engine_delete(engine);
  free(bytes);
  return rc;
}

/* {====================== run ======================} */

/* Reads an unsigned LEB128 of at most 32 bits at *p (< end). */
static bool read_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
  uint32_t v = 0;
  for (unsigned shift = 0; shift < 35 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    v |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* Whether the binary has a start section (id 8). The public API does not
   say, and `run` without --invoke needs to know whether there is anything
   to run. Only called on modules that decoded, but still bounds-checked. */
static bool has_start_section(const uint8_t *bytes, size_t len) {
  if (len < 8) return false;
  const uint8_t *p = bytes + 8, *end = bytes + len; /* past magic+version */
  while (p < end) {
    uint8_t id = *p++;
    uint32_t size;
    if (!read_u32(&p, end, &size) || size > (size_t)(end - p)) return false;
    if (id == 8) return true;
    p += size;
  }
  return false;
}

/* Finds the exported function `name` in the module. Returns its type
   (borrowed from the module), or NULL after printing why not. */
static const wb_functype_t *find_func_export(const wb_module_t *m, const char *file,
                                             const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < wb_module_export_count(m); i++) {
    wb_externdesc_t d;
    wb_module_export_get(m, i, &d);
    if (d.name_len != n || memcmp(d.name, name, n) != 0) continue;
    if (d.kind == WB_EXTERN_FUNC) return d.functype;
    fprintf(stderr, "wasmbox: %s: export '%s' is not a function\n", file, name);
    return NULL;
  }
  fprintf(stderr, "wasmbox: %s: no export named '%s'\n", file, name);
  return NULL;
}

/* Parses the command-line values into args by the parameter types. */
static bool parse_call_args(const cli_opts_t *o, const char *name,
                            const wb_functype_t *type, wb_val_t *args) {
  size_t np = wb_functype_param_count(type);
  if (o->nvals != np) {
    fprintf(stderr, "wasmbox: %s expects %zu argument%s (", name, np, np == 1 ? "" : "s");
    for (size_t i = 0; i < np; i++)
      fprintf(stderr, "%s%s", i ? " " : "", wb_valkind_name(wb_functype_param(type, i)));
    fprintf(stderr, "), got %zu\n", o->nvals);
    return false;
  }
  for (size_t i = 0; i < np; i++) {
    wb_valkind_t k = wb_functype_param(type, i);
    if (!cli_val_parse(o->vals[i], k, &args[i])) {
      fprintf(stderr, "wasmbox: cannot parse '%s' as %s (argument %zu of %s)\n",
              o->vals[i], wb_valkind_name(k), i + 1, name);
      return false;
    }
  }
  return true;
}

/* Prints a trap and its backtrace on stderr; returns the trap exit status.
   An exit trap (WASI proc_exit) is not an error: its status is returned,
   cut to 8 bits as the host would cut a native exit status. */
static int report_trap(const wb_trap_t *trap) {
  int32_t status;
  if (wb_trap_exit_status(trap, &status)) return (int)((uint32_t)status & 0xff);
  fprintf(stderr, "trap: %s: %s\n", wb_trap_code_name(wb_trap_code(trap)),
          wb_trap_message(trap));
  size_t n = wb_trap_frame_count(trap);
  for (size_t i = 0; i < n; i++) {
    /* Deep recursion leaves up to max-call-depth frames: keep both ends. */
    if (n > CLI_MAX_FRAMES && i == CLI_MAX_FRAMES - 10) {
      fprintf(stderr, "  ... %zu more frames\n", n - CLI_MAX_FRAMES);
      i = n - 10;
    }
    const char *fname = wb_trap_frame_func_name(trap, i);
    fprintf(stderr, "  #%zu func[%u] %s\n", i, (unsigned)wb_trap_frame_func_index(trap, i),
            fname ? fname : "?");
  }
  return EXIT_TRAP;
}

/* Calls export `name` of inst with args; prints the results, one per line,
   if print is set. Returns -1 when it returned, else the exit status. */
static int call_export(wb_store_t *store, wb_instance_t *inst, const char *name,
                       const wb_val_t *args, size_t nargs, bool print) {
  wb_extern_t ext;
  if (!wb_instance_export_get(inst, name, strlen(name), &ext) || ext.kind != WB_EXTERN_FUNC) {
    fprintf(stderr, "wasmbox: export '%s' vanished after instantiation\n", name);
    return 1;
  }
  const wb_functype_t *type = wb_func_type(ext.of.func);
  size_t nres = wb_functype_result_count(type);
  wb_val_t *res = xcalloc(nres, sizeof *res);
  for (size_t i = 0; i < nres; i++) res[i].kind = wb_functype_result(type, i);
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(store, ext.of.func, args, nargs, res, nres, &trap);
  int rc = -1;
  if (err) {
    cli_report_error(NULL, name, err);
    wb_error_delete(err);
    rc = 1;
  } else if (trap) {
    rc = report_trap(trap);
    wb_trap_delete(trap);
  } else if (print) {
    char text[CLI_VAL_TEXT_MAX];
    for (size_t i = 0; i < nres; i++) {
      cli_val_format(&res[i], text, sizeof text);
      puts(text);
    }
  }
  free(res);
  return rc;
}

/* What `run` will do with a module, decided before instantiation. */
typedef struct run_plan {
  bool wasi;         /* imports wasi_snapshot_preview1: give it WASI */
  bool initialize;   /* a reactor: call _initialize before the entry */
  const char *entry; /* export to call, or NULL (start function only) */
  wb_val_t *args;    /* the entry's arguments */
  size_t nargs;
} run_plan_t;

/* Whether the module exports a function called name. */
static bool exports_func(const wb_module_t *module, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < wb_module_export_count(module); i++) {
    wb_externdesc_t d;
    wb_module_export_get(module, i, &d);
    if (d.kind == WB_EXTERN_FUNC && d.name_len == n && memcmp(d.name, name, n) == 0)
      return true;
  }
  return false;
}

/* Picks what to call: --invoke NAME, else _start if exported, else nothing
   (instantiation runs the start function). Positional values are the
   entry's arguments with --invoke, a WASI program's argv otherwise.
   Returns -1 to go on, else an exit status. */
static int plan_run(const cli_opts_t *o, const wb_module_t *module, run_plan_t *plan) {
  plan->wasi = wb_wasi_imported_by(module);
  plan->entry = o->invoke;
  if (plan->entry == NULL && exports_func(module, "_start")) plan->entry = "_start";
  plan->initialize = plan->wasi && exports_func(module, "_initialize") &&
                     !exports_func(module, "_start");
  bool values_are_argv = plan->wasi && o->invoke == NULL;
  if (o->nvals > 0 && !o->invoke && !values_are_argv) {
    fprintf(stderr, "wasmbox: run: argument '%s' needs --invoke NAME (only WASI "
                    "programs take command-line arguments)\n", o->vals[0]);
    return EXIT_USAGE;
  }
  if (plan->entry == NULL) return -1;
  const wb_functype_t *type = find_func_export(module, o->file, plan->entry);
  if (type == NULL) return 1;
  if (values_are_argv) {
    if (wb_functype_param_count(type) == 0) return -1;
    fprintf(stderr, "wasmbox: %s: _start takes parameters\n", o->file);
    return 1;
  }
  plan->nargs = o->nvals;
  return parse_call_args(o, plan->entry, type, plan->args) ? -1 : EXIT_USAGE;
}

/* Builds the WASI configuration the options ask for and links it. Returns
   NULL after printing why not. */
static wb_wasi_t *setup_wasi(const cli_opts_t *o, bool argv_from_vals, wb_store_t *store,
                             wb_linker_t *linker) {
  wb_wasi_config_t *cfg = wb_wasi_config_new();
  size_t argc = 1 + (argv_from_vals ? o->nvals : 0);
  const char **argv = xcalloc(argc, sizeof *argv);
  argv[0] = o->file;
  for (size_t i = 1; i < argc; i++) argv[i] = o->vals[i - 1];
  wb_wasi_config_set_args(cfg, argc, argv);
  free(argv);
  if (o->inherit_env) wb_wasi_config_inherit_env(cfg);
  for (size_t i = 0; i < o->nenvs; i++) {
    const char *eq = strchr(o->envs[i], '=');
    char *name = xcalloc((size_t)(eq - o->envs[i]) + 1, 1);
    memcpy(name, o->envs[i], (size_t)(eq - o->envs[i]));
    wb_wasi_config_set_env(cfg, name, eq + 1);
    free(name);
  }
  wb_wasi_config_allow_clocks(cfg, o->clocks);
  wb_wasi_config_allow_random(cfg, o->random);
  for (size_t i = 0; i < o->ndirs; i++) {
    const char *spec = o->dirs[i].spec, *sep = strstr(spec, "::");
    size_t hl = sep ? (size_t)(sep - spec) : strlen(spec);
    char *host = xcalloc(hl + 1, 1);
    memcpy(host, spec, hl);
    const char *guest = sep && sep[2] ? sep + 2 : host;
    wb_error_t *err = wb_wasi_config_preopen_dir(cfg, host, guest, o->dirs[i].read_only);
    free(host);
    if (err) {
      cli_report_error(NULL, o->dirs[i].read_only ? "--dir-ro" : "--dir", err);
      wb_error_delete(err);
      wb_wasi_config_delete(cfg);
      return NULL;
    }
  }
  wb_wasi_t *wasi = NULL;
  wb_error_t *err = wb_wasi_new(store, cfg, &wasi);
  if (!err) err = wb_wasi_link(wasi, linker);
  if (err) {
    cli_report_error(NULL, "wasi", err);
    wb_error_delete(err);
    wb_wasi_delete(wasi);
    return NULL;
  }
  return wasi;
}

/* Instantiates module (with WASI if planned), runs _initialize for a
   reactor and calls the entry. Returns the exit status. */
static int instantiate_and_call(const cli_opts_t *o, wb_engine_t *engine,
                                const wb_module_t *module, const run_plan_t *plan) {
  wb_store_t *store = wb_store_new(engine);
  cli_limits_store(&o->limits, store);
  wb_linker_t *linker = wb_linker_new(store);
  wb_wasi_t *wasi = NULL;
  int rc = -1;
  if (plan->wasi) {
    wasi = setup_wasi(o, o->invoke == NULL, store, linker);
    if (!wasi) rc = 1;
  }
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  wb_error_t *err = rc < 0 ? wb_linker_instantiate(linker, module, &inst, &trap) : NULL;
  if (err) {
    cli_report_error(NULL, o->file, err);
    wb_error_delete(err);
    rc = 1;
  } else if (trap) {
    rc = report_trap(trap);
    wb_trap_delete(trap);
  }
  if (rc < 0 && plan->initialize) rc = call_export(store, inst, "_initialize", NULL, 0, false);
  if (rc < 0 && plan->entry)
    rc = call_export(store, inst, plan->entry, plan->args, plan->nargs, o->invoke != NULL);
  wb_linker_delete(linker);
  wb_store_delete(store);
  wb_wasi_delete(wasi);
  return rc < 0 ? 0 : rc;
}

static int cmd_run(const cli_opts_t *o) {
  uint8_t *bytes;
  size_t len;
  if (!load_bytes(o->file, &bytes, &len)) return EXIT_USAGE;
  wb_config_t *config = wb_config_new();
  cli_limits_config(&o->limits, config);
  wb_config_engine_set(config, o->engine);
  wb_engine_t *engine = wb_engine_new(config);
  wb_module_t *module = NULL;
  wb_error_t *err = wb_module_new(engine, bytes, len, &module);
  int rc = 1;
  if (err) {
    cli_report_error(NULL, o->file, err);
    wb_error_delete(err);
  } else {
    run_plan_t plan = {.args = xcalloc(o->nvals, sizeof(wb_val_t))};
    rc = plan_run(o, module, &plan);
    if (rc < 0) rc = instantiate_and_call(o, engine, module, &plan);
    /* Nothing to call and no start function: still instantiated above, so
       that link errors come first, but say what is missing. */
    if (rc == 0 && plan.entry == NULL && !has_start_section(bytes, len)) {
      fprintf(stderr, "wasmbox: %s: no _start export; use --invoke NAME\n", o->file);
      rc = 1;
    }
    free(plan.args);
    wb_module_delete(module);
  }
  wb_engine_delete(engine);
  free(bytes);
  return rc;
}

/* wasmbox compile IN.wasm [-o OUT.so]: fills the AOT cache, and with -o
   also writes the shared object. */
static int cmd_compile(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
    else if (argv[i][0] == '-') return usage_error("compile: unknown option '%s'", argv[i]);
    else if (!in) in = argv[i];
    else return usage_error("compile: unexpected argument '%s'", argv[i]);
  }
  if (!in) return usage_error("compile: missing FILE.wasm");
  uint8_t *bytes;
  size_t len;
  if (!load_bytes(in, &bytes, &len)) return EXIT_USAGE;
  wb_config_t *config = wb_config_new();
  wb_config_engine_set(config, WB_ENGINE_AOT);
  wb_engine_t *engine = wb_engine_new(config);
  wb_module_t *module = NULL;
  wb_error_t *err = wb_module_new(engine, bytes, len, &module);
  if (!err && out) err = wb_module_aot_write(module, out);
  if (err) {
    cli_report_error(NULL, in, err);
    wb_error_delete(err);
  }
  wb_module_delete(module);
  wb_engine_delete(engine);
  free(bytes);
  return err ? 1 : 0;
}

/* {====================== main ======================} */

int main(int argc, char **argv) {
  if (argc < 2) return usage_error("%s", "missing command");
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
    printf("wasmbox %s\n", WASMBOX_VERSION);
    return 0;
  }
  if (strcmp(cmd, "snapshot") == 0) return cli_snapshot(argc - 1, argv + 1);
  if (strcmp(cmd, "compile") == 0) return cmd_compile(argc, argv);
  if (strcmp(cmd, "js") == 0) return cli_js(argc - 1, argv + 1);
  if (strcmp(cmd, "serve") == 0) { /* argv[argc] is NULL, as execv wants */
    argv[1] = "wasmbox-serve";
    return cli_exec_sibling("wasmbox-serve", argv + 1);
  }
  bool run = strcmp(cmd, "run") == 0;
  if (!run && strcmp(cmd, "validate") != 0)
    return usage_error("unknown %s '%s'", cmd[0] == '-' ? "option" : "command", cmd);
  cli_opts_t o = {.cmd = cmd,
                  .vals = xcalloc((size_t)argc, sizeof(const char *)),
                  .dirs = xcalloc((size_t)argc, sizeof(cli_dir_t)),
                  .envs = xcalloc((size_t)argc, sizeof(const char *))};
  int rc = parse_command_args(argc, argv, &o);
  if (rc < 0) rc = run ? cmd_run(&o) : cmd_validate(&o);
  free(o.vals);
  free(o.dirs);
  free(o.envs);
  if (fflush(stdout) != 0 && rc == 0) rc = 1; /* results that never got out */
  return rc;
}
