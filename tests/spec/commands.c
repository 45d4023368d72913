/* SPDX-License-Identifier: Apache-2.0 */
/*
** Executes the commands of one wast2json file, in order, in one store.
**
** State per file: the linker (spectest plus every registered instance), the
** current instance (the last `module`), the named instances ("$M"), and
** every compiled module, kept until the store is gone because instances
** borrow from their module.
**
** Counting: each assertion and action is one pass or one failure; module
** and register commands count only when they fail. A module that fails
** leaves no current instance, so the commands using it fail too.
**
** Wording: a check passes when the engine fails the right way (error,
** trap, trap code for exhaustion); differences in message text are shown
** only with --verbose.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

typedef struct named {
  char *name;            /* "$M" as wast2json writes it */
  wb_instance_t *inst;   /* NULL when that module failed */
} named_t;

typedef struct file_state {
  const char *wast;
  const char *dir;
  const spec_opts_t *opts;
  spec_counts_t *counts;
  wb_engine_t *engine;
  wb_store_t *store;
  wb_linker_t *linker;
  wb_module_t **modules;
  size_t nmodules, capmodules;
  named_t *named;
  size_t nnamed, capnamed;
  wb_instance_t *current;
  long line; /* of the command being run */
} file_state_t;

/* Result of running an action: either it could not run (why), or it ran
   and trapped (trap), or it produced results. */
typedef struct action_out {
  bool ran;
  char why[256];
  wb_trap_t *trap;
  wb_val_t *results;
  size_t nresults;
  char field[128]; /* printable export name, for messages */
} action_out_t;

/* {====================== Reporting ======================} */

static void report_fail(file_state_t *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Counts one failure and prints "file:line: message". */
static void report_fail(file_state_t *f, const char *fmt, ...) {
  va_list ap;
  f->counts->failed++;
  printf("%s:%ld: ", f->wast, f->line);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static void report_pass(file_state_t *f, const char *what) {
  f->counts->passed++;
  if (f->opts->verbose) printf("%s:%ld: ok %s\n", f->wast, f->line, what);
}

static void report_skip(file_state_t *f, const char *why) {
  f->counts->skipped++;
  if (f->opts->verbose) printf("%s:%ld: skipped: %s\n", f->wast, f->line, why);
}

/* With --verbose, shows the suite's expected text beside ours when ours
   does not contain it (or the other way round). Never fails a check. */
static void note_wording(file_state_t *f, const char *expected,
                         const char *got) {
  if (!f->opts->verbose || !expected || !got) return;
  if (strstr(got, expected) || (*got && strstr(expected, got))) return;
  printf("%s:%ld: wording: expected \"%s\", got \"%s\"\n", f->wast, f->line,
         expected, got);
}

static const char *json_str(const cJSON *obj, const char *key) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* {====================== Modules ======================} */

static void keep_module(file_state_t *f, wb_module_t *m) {
  if (f->nmodules == f->capmodules) {
    f->capmodules = f->capmodules ? f->capmodules * 2 : 16;
    f->modules = realloc(f->modules, f->capmodules * sizeof *f->modules);
    if (!f->modules) abort();
  }
  f->modules[f->nmodules++] = m;
}

/* Reads and compiles the command's "filename". Returns true when the bytes
   could be read; then exactly one of *err and *out is set. On a read
   failure returns false with the reason in why. */
static bool compile(file_state_t *f, const cJSON *cmd, wb_module_t **out,
                    wb_error_t **err, char *why, size_t n) {
  const char *name = json_str(cmd, "filename");
  *out = NULL;
  *err = NULL;
  if (!name || strchr(name, '/')) {
    snprintf(why, n, "command has no usable filename");
    return false;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", f->dir, name);
  size_t len;
  uint8_t *bytes = spec_read_file(path, SPEC_MAX_FILE_BYTES, &len, why, n);
  if (!bytes) return false;
  *err = wb_module_new(f->engine, bytes, len, out);
  free(bytes);
  if (*err) *out = NULL; /* whatever the engine left there is not ours */
  return true;
}

/* Instantiates m with the file's linker. Exactly one of the return value
   (error), *trap and *inst ends up set. */
static wb_error_t *instantiate(file_state_t *f, wb_module_t *m,
                               wb_instance_t **inst, wb_trap_t **trap) {
  *inst = NULL;
  *trap = NULL;
  return wb_linker_instantiate(f->linker, m, inst, trap);
}

/* Records name -> inst (inst may be NULL for a failed module). */
static void set_named(file_state_t *f, const char *name, wb_instance_t *inst) {
  for (size_t i = 0; i < f->nnamed; i++) {
    if (strcmp(f->named[i].name, name) == 0) {
      f->named[i].inst = inst;
      return;
    }
  }
  if (f->nnamed == f->capnamed) {
    f->capnamed = f->capnamed ? f->capnamed * 2 : 8;
    f->named = realloc(f->named, f->capnamed * sizeof *f->named);
    if (!f->named) abort();
  }
  f->named[f->nnamed].name = strdup(name);
  if (!f->named[f->nnamed].name) abort();
  f->named[f->nnamed++].inst = inst;
}

/* The instance a command refers to: by "$name", else the current one. */
static wb_instance_t *lookup(file_state_t *f, const char *name, char *why,
                             size_t n) {
  if (!name) {
    if (!f->current) snprintf(why, n, "no current module (an earlier one failed)");
    return f->current;
  }
  for (size_t i = 0; i < f->nnamed; i++) {
    if (strcmp(f->named[i].name, name) == 0) {
      if (!f->named[i].inst) snprintf(why, n, "module %s failed earlier", name);
      return f->named[i].inst;
    }
  }
  snprintf(why, n, "no module named %s", name);
  return NULL;
}

/* `module`: compile, instantiate, make current (and named). */
static void cmd_module(file_state_t *f, const cJSON *cmd) {
  const char *name = json_str(cmd, "name");
  char why[256];
  wb_module_t *m;
  wb_error_t *err;
  wb_trap_t *trap = NULL;
  wb_instance_t *inst = NULL;
  f->current = NULL;
  if (name) set_named(f, name, NULL);
  if (!compile(f, cmd, &m, &err, why, sizeof why)) {
    report_fail(f, "module: %s", why);
    return;
  }
  if (err) {
    report_fail(f, "module failed to load: %s", wb_error_message(err));
    wb_error_delete(err);
    return;
  }
  keep_module(f, m);
  err = instantiate(f, m, &inst, &trap);
  if (err || trap) {
    report_fail(f, "module failed to instantiate: %s",
                err ? wb_error_message(err) : wb_trap_message(trap));
    wb_error_delete(err);
    wb_trap_delete(trap);
    return;
  }
  f->current = inst;
  if (name) set_named(f, name, inst);
}

/* `register`: define the named (or current) instance's exports under "as". */
static void cmd_register(file_state_t *f, const cJSON *cmd) {
  const char *as = json_str(cmd, "as");
  char why[256];
  wb_instance_t *inst = lookup(f, json_str(cmd, "name"), why, sizeof why);
  if (!as) {
    report_fail(f, "register without \"as\"");
    return;
  }
  if (!inst) {
    report_fail(f, "register %s: %s", as, why);
    return;
  }
  wb_error_t *err = wb_linker_define_instance(f->linker, as, inst);
  if (err) {
    report_fail(f, "register %s: %s", as, wb_error_message(err));
    wb_error_delete(err);
  }
}

/* {====================== Actions ======================} */

/* Parses the arguments of an invoke into a malloc'd array. */
static bool parse_args(const cJSON *args, wb_val_t **out, size_t *n,
                       char *why, size_t whylen) {
  int count = cJSON_IsArray(args) ? cJSON_GetArraySize(args) : 0;
  *n = (size_t)count;
  *out = calloc(count ? (size_t)count : 1, sizeof **out);
  if (!*out) abort();
  for (int i = 0; i < count; i++) {
    if (!spec_parse_arg(cJSON_GetArrayItem(args, i), &(*out)[i], why, whylen))
      return false;
  }
  return true;
}

static void invoke(file_state_t *f, wb_func_t *func, const cJSON *action,
                   action_out_t *out) {
  wb_val_t *args;
  size_t nargs;
  if (!parse_args(cJSON_GetObjectItemCaseSensitive(action, "args"), &args,
                  &nargs, out->why, sizeof out->why)) {
    free(args);
    return;
  }
  const wb_functype_t *type = wb_func_type(func);
  out->nresults = wb_functype_result_count(type);
  out->results = calloc(out->nresults ? out->nresults : 1, sizeof(wb_val_t));
  if (!out->results) abort();
  wb_error_t *err = wb_func_call(f->store, func, args, nargs, out->results,
                                 out->nresults, &out->trap);
  free(args);
  if (err) {
    snprintf(out->why, sizeof out->why, "call failed: %s",
             wb_error_message(err));
    wb_error_delete(err);
    out->trap = NULL;
    return;
  }
  out->ran = true;
}

static void get_global(wb_global_t *global, action_out_t *out) {
  out->nresults = 1;
  out->results = calloc(1, sizeof(wb_val_t));
  if (!out->results) abort();
  out->results[0] = wb_global_get(global);
  out->ran = true;
}

/* Runs an "invoke" or "get" action. Fills out (see action_out_t). */
static void run_action(file_state_t *f, const cJSON *action,
                       action_out_t *out) {
  memset(out, 0, sizeof *out);
  const char *type = json_str(action, "type");
  const char *field = json_str(action, "field");
  wb_instance_t *inst =
      lookup(f, json_str(action, "module"), out->why, sizeof out->why);
  if (!type || !field) {
    snprintf(out->why, sizeof out->why, "malformed action");
    return;
  }
  size_t len;
  char *name = spec_name_decode(field, &len);
  spec_name_print(name, len, out->field, sizeof out->field);
  wb_extern_t ext;
  bool found = inst && wb_instance_export_get(inst, name, len, &ext);
  free(name);
  if (!inst) return;
  if (!found) {
    snprintf(out->why, sizeof out->why, "no export \"%s\"", out->field);
  } else if (strcmp(type, "invoke") == 0 && ext.kind == WB_EXTERN_FUNC) {
    invoke(f, ext.of.func, action, out);
  } else if (strcmp(type, "get") == 0 && ext.kind == WB_EXTERN_GLOBAL) {
    get_global(ext.of.global, out);
  } else {
    snprintf(out->why, sizeof out->why, "%s of export \"%s\" of kind %d",
             type, out->field, (int)ext.kind);
  }
}

static void action_out_free(action_out_t *out) {
  wb_trap_delete(out->trap);
  free(out->results);
  out->trap = NULL;
  out->results = NULL;
}

/* `action`: must run without trapping; results are not checked. */
static void cmd_action(file_state_t *f, const cJSON *cmd) {
  action_out_t out;
  run_action(f, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &out);
  if (!out.ran) report_fail(f, "action %s: %s", out.field, out.why);
  else if (out.trap)
    report_fail(f, "action %s: trapped: %s", out.field,
                wb_trap_message(out.trap));
  else report_pass(f, "action");
  action_out_free(&out);
}

/* Compares results with "expected"; returns false after reporting. */
static bool check_results(file_state_t *f, const cJSON *expected,
                          const action_out_t *out) {
  size_t n = cJSON_IsArray(expected) ? (size_t)cJSON_GetArraySize(expected) : 0;
  if (n != out->nresults) {
    report_fail(f, "assert_return %s: expected %zu results, got %zu",
                out->field, n, out->nresults);
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    spec_expect_t e;
    char why[128], want[96], got[96];
    if (!spec_parse_expect(cJSON_GetArrayItem(expected, (int)i), &e, why,
                           sizeof why)) {
      report_fail(f, "assert_return %s: %s", out->field, why);
      return false;
    }
    if (!spec_expect_match(&e, &out->results[i])) {
      spec_format_expect(&e, want, sizeof want);
      spec_format_val(&out->results[i], got, sizeof got);
      report_fail(f, "assert_return %s: result %zu: expected %s, got %s",
                  out->field, i, want, got);
      return false;
    }
  }
  return true;
}

static void cmd_assert_return(file_state_t *f, const cJSON *cmd) {
  action_out_t out;
  run_action(f, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &out);
  if (!out.ran) report_fail(f, "assert_return %s: %s", out.field, out.why);
  else if (out.trap)
    report_fail(f, "assert_return %s: unexpected trap: %s", out.field,
                wb_trap_message(out.trap));
  else if (check_results(f, cJSON_GetObjectItemCaseSensitive(cmd, "expected"),
                         &out))
    report_pass(f, "assert_return");
  action_out_free(&out);
}

/* assert_trap / assert_exhaustion on an action. exhaustion requires the
   stack-exhausted trap code; any other trap passes assert_trap. */
static void cmd_assert_trap_action(file_state_t *f, const cJSON *cmd,
                                   bool exhaustion) {
  const char *kind = exhaustion ? "assert_exhaustion" : "assert_trap";
  const char *text = json_str(cmd, "text");
  action_out_t out;
  run_action(f, cJSON_GetObjectItemCaseSensitive(cmd, "action"), &out);
  if (!out.ran) {
    report_fail(f, "%s %s: %s", kind, out.field, out.why);
  } else if (!out.trap) {
    report_fail(f, "%s %s: expected trap \"%s\", got none", kind, out.field,
                text ? text : "");
  } else if (exhaustion && wb_trap_code(out.trap) != WB_TRAP_STACK_EXHAUSTED) {
    report_fail(f, "%s %s: expected \"%s\", got trap \"%s\"", kind, out.field,
                text ? text : "", wb_trap_message(out.trap));
  } else {
    note_wording(f, text, wb_trap_message(out.trap));
    report_pass(f, kind);
  }
  action_out_free(&out);
}

/* {====================== Module assertions ======================} */

static bool is_text_module(const cJSON *cmd) {
  const char *t = json_str(cmd, "module_type");
  return t && strcmp(t, "text") == 0;
}

/* assert_invalid / assert_malformed: wb_module_new must fail. */
static void cmd_assert_bad_module(file_state_t *f, const cJSON *cmd,
                                  const char *kind) {
  const char *text = json_str(cmd, "text");
  char why[256];
  wb_module_t *m;
  wb_error_t *err;
  if (is_text_module(cmd)) {
    report_skip(f, "text format");
    return;
  }
  if (!compile(f, cmd, &m, &err, why, sizeof why)) {
    report_fail(f, "%s: %s", kind, why);
  } else if (!err) {
    report_fail(f, "%s: module loaded, expected error \"%s\"", kind,
                text ? text : "");
    wb_module_delete(m);
  } else {
    note_wording(f, text, wb_error_message(err));
    report_pass(f, kind);
    wb_error_delete(err);
  }
}

/* Compiles a module that the suite says is valid, for the link and
   instantiation assertions. Reports and returns NULL on failure. */
static wb_module_t *compile_valid(file_state_t *f, const cJSON *cmd,
                                  const char *kind) {
  char why[256];
  wb_module_t *m;
  wb_error_t *err;
  if (!compile(f, cmd, &m, &err, why, sizeof why)) {
    report_fail(f, "%s: %s", kind, why);
    return NULL;
  }
  if (err) {
    report_fail(f, "%s: module failed to load: %s", kind,
                wb_error_message(err));
    wb_error_delete(err);
    return NULL;
  }
  keep_module(f, m);
  return m;
}

/* assert_unlinkable: instantiation must return an error (ideally a link
   error; other kinds only draw a --verbose note). */
static void cmd_assert_unlinkable(file_state_t *f, const cJSON *cmd) {
  const char *text = json_str(cmd, "text");
  if (is_text_module(cmd)) {
    report_skip(f, "text format");
    return;
  }
  wb_module_t *m = compile_valid(f, cmd, "assert_unlinkable");
  if (!m) return;
  wb_instance_t *inst;
  wb_trap_t *trap;
  wb_error_t *err = instantiate(f, m, &inst, &trap);
  if (err) {
    if (f->opts->verbose && wb_error_kind(err) != WB_ERROR_LINK)
      printf("%s:%ld: note: unlinkable gave error kind %d, not a link error\n",
             f->wast, f->line, (int)wb_error_kind(err));
    note_wording(f, text, wb_error_message(err));
    report_pass(f, "assert_unlinkable");
  } else if (trap) {
    report_fail(f, "assert_unlinkable: trapped instead: %s",
                wb_trap_message(trap));
  } else {
    report_fail(f, "assert_unlinkable: instantiated, expected \"%s\"",
                text ? text : "");
  }
  wb_error_delete(err);
  wb_trap_delete(trap);
}

/* assert_uninstantiable (and assert_trap on a module): instantiation must
   trap or fail with an error that is not a link error. */
static void cmd_assert_uninstantiable(file_state_t *f, const cJSON *cmd,
                                      const char *kind) {
  const char *text = json_str(cmd, "text");
  if (is_text_module(cmd)) {
    report_skip(f, "text format");
    return;
  }
  wb_module_t *m = compile_valid(f, cmd, kind);
  if (!m) return;
  wb_instance_t *inst;
  wb_trap_t *trap;
  wb_error_t *err = instantiate(f, m, &inst, &trap);
  if (trap || (err && wb_error_kind(err) != WB_ERROR_LINK)) {
    note_wording(f, text, trap ? wb_trap_message(trap) : wb_error_message(err));
    report_pass(f, kind);
  } else if (err) {
    report_fail(f, "%s: link error instead: %s", kind, wb_error_message(err));
  } else {
    report_fail(f, "%s: instantiated, expected \"%s\"", kind, text ? text : "");
  }
  wb_error_delete(err);
  wb_trap_delete(trap);
}

/* {====================== Driver ======================} */

static void run_command(file_state_t *f, const cJSON *cmd) {
  const char *type = json_str(cmd, "type");
  if (!type) type = "(none)";
  if (strcmp(type, "module") == 0) cmd_module(f, cmd);
  else if (strcmp(type, "register") == 0) cmd_register(f, cmd);
  else if (strcmp(type, "action") == 0) cmd_action(f, cmd);
  else if (strcmp(type, "assert_return") == 0) cmd_assert_return(f, cmd);
  else if (strcmp(type, "assert_exhaustion") == 0)
    cmd_assert_trap_action(f, cmd, true);
  else if (strcmp(type, "assert_trap") == 0) {
    if (cJSON_GetObjectItemCaseSensitive(cmd, "action"))
      cmd_assert_trap_action(f, cmd, false);
    else cmd_assert_uninstantiable(f, cmd, "assert_trap");
  } else if (strcmp(type, "assert_invalid") == 0)
    cmd_assert_bad_module(f, cmd, "assert_invalid");
  else if (strcmp(type, "assert_malformed") == 0)
    cmd_assert_bad_module(f, cmd, "assert_malformed");
  else if (strcmp(type, "assert_unlinkable") == 0) cmd_assert_unlinkable(f, cmd);
  else if (strcmp(type, "assert_uninstantiable") == 0)
    cmd_assert_uninstantiable(f, cmd, "assert_uninstantiable");
  else report_fail(f, "unknown command type \"%s\"", type);
}

/* Skips a command. A skipped module leaves no current instance, so the
   commands after it fail rather than run against an older module. */
static void skip_command(file_state_t *f, const cJSON *cmd, const char *why) {
  const char *type = json_str(cmd, "type");
  if (type && strcmp(type, "module") == 0) {
    const char *name = json_str(cmd, "name");
    f->current = NULL;
    if (name) set_named(f, name, NULL);
  }
  report_skip(f, why);
}

/* Makes the engine, store and linker (with spectest) of one file. */
static bool file_open(file_state_t *f) {
  wb_config_t *cfg = wb_config_new();
  wb_config_engine_set(cfg, f->opts->engine);
  wb_config_cache_dir_set(cfg, f->opts->cache);
  f->engine = wb_engine_new(cfg);
  f->store = f->engine ? wb_store_new(f->engine) : NULL;
  f->linker = f->store ? wb_linker_new(f->store) : NULL;
  if (!f->linker) {
    report_fail(f, "could not create engine, store or linker");
    return false;
  }
  wb_error_t *err = spec_spectest_define(f->store, f->linker, f->opts->verbose);
  if (err) {
    report_fail(f, "defining spectest: %s", wb_error_message(err));
    wb_error_delete(err);
    return false;
  }
  return true;
}

/* Frees everything in dependency order: instances (in the store) before
   their modules, modules and stores before the engine. */
static void file_close(file_state_t *f) {
  if (f->linker) wb_linker_delete(f->linker);
  if (f->store) wb_store_delete(f->store);
  for (size_t i = 0; i < f->nmodules; i++) wb_module_delete(f->modules[i]);
  free(f->modules);
  for (size_t i = 0; i < f->nnamed; i++) free(f->named[i].name);
  free(f->named);
  if (f->engine) wb_engine_delete(f->engine);
}

void spec_run_commands(const char *wast, const char *dir,
                       const cJSON *commands, const spec_opts_t *opts,
                       spec_counts_t *counts) {
  file_state_t f = {.wast = wast, .dir = dir, .opts = opts, .counts = counts};
  if (file_open(&f)) {
    const cJSON *cmd;
    cJSON_ArrayForEach(cmd, commands) {
      const cJSON *line = cJSON_GetObjectItemCaseSensitive(cmd, "line");
      f.line = cJSON_IsNumber(line) ? (long)line->valuedouble : 0;
      counts->line = f.line;
      const char *reason = spec_skip_line(opts->skips, wast, f.line);
      if (reason) skip_command(&f, cmd, reason);
      else run_command(&f, cmd);
      fflush(stdout); /* keep output ordered should the engine crash */
    }
  }
  file_close(&f);
}
