/* SPDX-License-Identifier: Apache-2.0 */
/*
** wb_template_snapshot and `wasmbox snapshot`, end to end.
**
** For each module: the original is instantiated and initialised the
** ordinary way (start function, then the init export), and its q_*
** queries give the expected answers. The snapshot must decode, lack the
** init export and the start section, start memory at its initialised
** size, carry the globals' values, and answer every query identically in
** wasmbox and in node (skipped when node is absent). Traps in init and
** host values a module cannot express must fail cleanly.
**
** usage: snapshot_test WASM_DIR SNAPSHOT_CLI OUT_DIR
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test.h"
#include "wasmbox.h"

static const char *wasm_dir, *cli_path, *out_dir;
static wb_engine_t *engine;
static bool have_node, have_wasm_validate;

/* {====================== Helpers ======================} */

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static bool write_all(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  bool ok = fwrite(p, 1, n, f) == n;
  return fclose(f) == 0 && ok;
}

static char *path_of(const char *dir, const char *name, const char *ext) {
  size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
  char *p = malloc(n);
  snprintf(p, n, "%s/%s%s", dir, name, ext);
  return p;
}

static wb_module_t *load_module(const uint8_t *bytes, size_t len) {
  wb_module_t *m = NULL;
  wb_error_t *err = wb_module_new(engine, bytes, len, &m);
  if (err) fprintf(stderr, "module: %s\n", wb_error_message(err));
  CHECK(err == NULL);
  wb_error_delete(err);
  return m;
}

/* Host functions for host.wat: a non-null externref and a plain function. */
static int host_cookie;
static wb_trap_t *host_ext(void *env, wb_caller_t *c, const wb_val_t *a, size_t na, wb_val_t *r,
                           size_t nr) {
  (void)env, (void)c, (void)a, (void)na, (void)nr;
  r[0].of.externref = &host_cookie;
  return NULL;
}
static wb_trap_t *host_f(void *env, wb_caller_t *c, const wb_val_t *a, size_t na, wb_val_t *r,
                         size_t nr) {
  (void)env, (void)c, (void)a, (void)na, (void)nr;
  r[0].of.i32 = 42;
  return NULL;
}

/* Defines env.ext and env.hostf when with_host is set. */
static void define_host(wb_linker_t *lk, bool with_host) {
  if (!with_host) return;
  wb_valkind_t ext = WB_EXTERNREF, i32 = WB_I32;
  wb_functype_t *t1 = wb_functype_new(NULL, 0, &ext, 1);
  wb_functype_t *t2 = wb_functype_new(NULL, 0, &i32, 1);
  CHECK(wb_linker_define_func(lk, "env", "ext", t1, host_ext, NULL, NULL) == NULL);
  CHECK(wb_linker_define_func(lk, "env", "hostf", t2, host_f, NULL, NULL) == NULL);
  wb_functype_delete(t1);
  wb_functype_delete(t2);
}

/* Appends "name=value\n" for each exported q_* function of module, called
   in export order on inst ("trap" when it traps). Caller frees. */
static char *run_queries(wb_store_t *store, wb_instance_t *inst, const wb_module_t *module) {
  char *text = calloc(1, 1);
  size_t len = 0;
  for (size_t i = 0; i < wb_module_export_count(module); i++) {
    wb_externdesc_t d;
    wb_module_export_get(module, i, &d);
    if (d.kind != WB_EXTERN_FUNC || d.name_len < 2 || memcmp(d.name, "q_", 2) != 0) continue;
    wb_extern_t x;
    CHECK(wb_instance_export_get(inst, d.name, d.name_len, &x));
    wb_val_t res = {.kind = wb_functype_result(d.functype, 0)};
    wb_trap_t *trap = NULL;
    wb_error_t *err = wb_func_call(store, x.of.func, NULL, 0, &res, 1, &trap);
    CHECK(err == NULL);
    wb_error_delete(err);
    char line[160];
    if (trap)
      snprintf(line, sizeof line, "%.*s=trap\n", (int)d.name_len, d.name);
    else if (res.kind == WB_I64)
      snprintf(line, sizeof line, "%.*s=%" PRId64 "\n", (int)d.name_len, d.name, res.of.i64);
    else
      snprintf(line, sizeof line, "%.*s=%" PRId32 "\n", (int)d.name_len, d.name, res.of.i32);
    wb_trap_delete(trap);
    text = realloc(text, len + strlen(line) + 1);
    strcpy(text + len, line);
    len += strlen(line);
  }
  return text;
}

/* Instantiates module in a fresh store, calls init (if not NULL) and runs
   the queries. NULL if instantiation or init failed. */
static char *queries_of(const wb_module_t *module, const char *init, bool with_host) {
  wb_store_t *store = wb_store_new(engine);
  wb_linker_t *lk = wb_linker_new(store);
  define_host(lk, with_host);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_linker_instantiate(lk, module, &inst, &trap);
  char *text = NULL;
  if (!err && !trap && init) {
    wb_extern_t x;
    CHECK(wb_instance_export_get(inst, init, strlen(init), &x));
    err = wb_func_call(store, x.of.func, NULL, 0, NULL, 0, &trap);
  }
  if (!err && !trap) text = run_queries(store, inst, module);
  CHECK(err == NULL && trap == NULL);
  wb_error_delete(err);
  wb_trap_delete(trap);
  wb_linker_delete(lk);
  wb_store_delete(store);
  return text;
}

/* Makes a template of bytes with init and snapshots it. Returns the
   snapshot (malloc'ed) or NULL, with the template error, trap or snapshot
   error message in *why (malloc'ed) when not NULL. */
static uint8_t *snapshot_of(const uint8_t *bytes, size_t len, const char *init, bool with_host,
                            size_t *out_len, char **why) {
  wb_module_t *module = load_module(bytes, len);
  if (!module) return NULL;
  wb_store_t *store = wb_store_new(engine);
  wb_linker_t *lk = wb_linker_new(store);
  define_host(lk, with_host);
  wb_template_t *tmpl = NULL;
  wb_trap_t *trap = NULL;
  uint8_t *out = NULL;
  wb_error_t *err = wb_template_new(lk, module, init, &tmpl, &trap);
  if (!err && !trap) err = wb_template_snapshot(tmpl, &out, out_len);
  if (why) *why = NULL;
  if (why && err) *why = strdup(wb_error_message(err));
  if (why && trap) {
    size_t n = strlen(wb_trap_message(trap)) + 32;
    *why = malloc(n);
    snprintf(*why, n, "trap %d: %s", (int)wb_trap_code(trap), wb_trap_message(trap));
  }
  wb_error_delete(err);
  wb_trap_delete(trap);
  wb_template_delete(tmpl);
  wb_linker_delete(lk);
  wb_store_delete(store);
  wb_module_delete(module);
  return out;
}

/* Whether the binary has a (non-custom) section with id, or a custom
   section called name (when name is not NULL). Assumes a valid module. */
static bool has_section(const uint8_t *p, size_t len, uint8_t id, const char *name) {
  size_t i = 8;
  while (i < len) {
    uint8_t sid = p[i++];
    uint32_t size = 0;
    for (unsigned shift = 0;; shift += 7) {
      uint8_t b = p[i++];
      size |= (uint32_t)(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    if (sid == id && !name) return true;
    if (sid == 0 && name && p[i] == strlen(name) && memcmp(p + i + 1, name, strlen(name)) == 0)
      return true;
    i += size;
  }
  return false;
}

static bool exports_name(const wb_module_t *m, const char *name) {
  for (size_t i = 0; i < wb_module_export_count(m); i++) {
    wb_externdesc_t d;
    wb_module_export_get(m, i, &d);
    if (d.name_len == strlen(name) && memcmp(d.name, name, d.name_len) == 0) return true;
  }
  return false;
}

/* Runs the queries of file in node; NULL if node failed. Caller frees. */
static char *node_queries(const char *file) {
  char *script = path_of(out_dir, "queries", ".js");
  FILE *f = fopen(script, "w");
  fputs("const fs = require('fs');\n"
        "const mod = new WebAssembly.Module(fs.readFileSync(process.argv[2]));\n"
        "const inst = new WebAssembly.Instance(mod, {});\n"
        "let out = '';\n"
        "for (const e of WebAssembly.Module.exports(mod)) {\n"
        "  if (e.kind !== 'function' || !e.name.startsWith('q_')) continue;\n"
        "  let v;\n"
        "  try { v = String(inst.exports[e.name]()); }\n"
        "  catch (err) { if (!(err instanceof WebAssembly.RuntimeError)) throw err; v = 'trap'; }\n"
        "  out += e.name + '=' + v + '\\n';\n"
        "}\n"
        "process.stdout.write(out);\n",
        f);
  fclose(f);
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "node '%s' '%s'", script, file);
  free(script);
  FILE *p = popen(cmd, "r");
  char *text = calloc(1, 65536);
  size_t n = fread(text, 1, 65535, p);
  text[n] = 0;
  if (pclose(p) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

/* {====================== Per-module checks ======================} */

typedef struct modcase {
  const char *name;
  const char *init;        /* init export name given to the template */
  const char *auto_init;   /* NULL init: the name picked automatically */
  size_t max_len;          /* bound on the snapshot's size */
} modcase_t;

/* Decodes the snapshot and checks its shape against the original. */
static void check_shape(const modcase_t *c, const wb_module_t *orig, const uint8_t *snap,
                        size_t len, const uint8_t *obytes, size_t olen) {
  wb_module_t *sm = load_module(snap, len);
  if (!sm) return;
  const char *init = c->init ? c->init : c->auto_init;
  CHECK(exports_name(orig, init));
  CHECK(!exports_name(sm, init));
  CHECK_EQ(wb_module_export_count(sm), wb_module_export_count(orig) - 1);
  CHECK(!has_section(snap, len, 8, NULL)); /* start */
  CHECK_EQ(has_section(snap, len, 0, "name"), has_section(obytes, olen, 0, "name"));
  CHECK(has_section(snap, len, 0, "name"));
  CHECK_EQ(wb_module_import_count(sm), wb_module_import_count(orig));
  wb_module_delete(sm);
}

/* Memory min and global values of wizer.wat's snapshot. */
static void check_wizer_state(const uint8_t *snap, size_t len) {
  wb_module_t *sm = load_module(snap, len);
  if (!sm) return;
  for (size_t i = 0; i < wb_module_export_count(sm); i++) {
    wb_externdesc_t d;
    wb_module_export_get(sm, i, &d);
    if (d.kind == WB_EXTERN_MEMORY) {
      CHECK_EQ(d.min, 4); /* 1 page + memory.grow 3 */
      CHECK(d.has_max && d.max == 100);
    }
    if (d.kind == WB_EXTERN_TABLE) CHECK_EQ(d.min, 6); /* 4 + table.grow 2 */
  }
  wb_store_t *store = wb_store_new(engine);
  wb_linker_t *lk = wb_linker_new(store);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  CHECK(wb_linker_instantiate(lk, sm, &inst, &trap) == NULL && trap == NULL);
  wb_extern_t x;
  if (inst && wb_instance_export_get(inst, "counter", 7, &x)) {
    CHECK_EQ(wb_global_get(x.of.global).of.i32, 11); /* start once, init +10 */
    CHECK(wb_global_mutable(x.of.global));
  }
  if (inst && wb_instance_export_get(inst, "gf32", 4, &x)) {
    float f = wb_global_get(x.of.global).of.f32;
    uint32_t bits;
    memcpy(&bits, &f, 4);
    CHECK_EQ(bits, 0x7fa00001u); /* signalling NaN payload kept */
  }
  if (inst && wb_instance_export_get(inst, "g64", 3, &x))
    CHECK_EQ(wb_global_get(x.of.global).of.i64, -1234567890123LL);
  if (inst && wb_instance_export_get(inst, "imm", 3, &x)) CHECK(!wb_global_mutable(x.of.global));
  wb_linker_delete(lk);
  wb_store_delete(store);
  wb_module_delete(sm);
}

/* Snapshot of one module: shape, queries in wasmbox and node. */
static void check_module(const modcase_t *c) {
  char *path = path_of(wasm_dir, c->name, ".wasm");
  size_t olen = 0;
  uint8_t *obytes = read_all(path, &olen);
  free(path);
  CHECK(obytes != NULL);
  if (!obytes) return;
  wb_module_t *orig = load_module(obytes, olen);
  size_t len = 0;
  char *why = NULL;
  uint8_t *snap = snapshot_of(obytes, olen, c->init, false, &len, &why);
  if (why) fprintf(stderr, "%s: %s\n", c->name, why);
  CHECK(snap != NULL);
  if (!orig || !snap) goto out;
  printf("%s: %zu bytes -> snapshot %zu bytes\n", c->name, olen, len);
  CHECK(len <= c->max_len);
  check_shape(c, orig, snap, len, obytes, olen);

  /* Same bytes every time. */
  size_t len2 = 0;
  uint8_t *again = snapshot_of(obytes, olen, c->init, false, &len2, NULL);
  CHECK(again && len2 == len && memcmp(again, snap, len) == 0);
  free(again);

  char *want = queries_of(orig, c->init ? c->init : c->auto_init, false);
  wb_module_t *sm = load_module(snap, len);
  char *got = sm ? queries_of(sm, NULL, false) : NULL;
  CHECK(want && got && strcmp(want, got) == 0);
  if (want && got && strcmp(want, got) != 0)
    fprintf(stderr, "%s: queries differ\n--- original\n%s--- snapshot\n%s", c->name, want, got);

  /* A snapshot of the snapshot (nothing left to initialise) agrees too. */
  size_t len3 = 0;
  uint8_t *snap2 = snapshot_of(snap, len, NULL, false, &len3, NULL);
  wb_module_t *sm2 = snap2 ? load_module(snap2, len3) : NULL;
  char *got2 = sm2 ? queries_of(sm2, NULL, false) : NULL;
  CHECK(want && got2 && strcmp(want, got2) == 0);
  free(got2);
  free(snap2);
  wb_module_delete(sm2);

  char *file = path_of(out_dir, c->name, ".snap.wasm");
  CHECK(write_all(file, snap, len));
  if (have_wasm_validate) { /* a second opinion: wabt's validator */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "wasm-validate '%s'", file);
    CHECK(system(cmd) == 0);
  }
  if (have_node && want) {
    char *js = node_queries(file);
    CHECK(js != NULL && strcmp(js, want) == 0);
    if (js && strcmp(js, want) != 0)
      fprintf(stderr, "%s: node differs\n--- wasmbox\n%s--- node\n%s", c->name, want, js);
    free(js);
  }
  free(file);
  free(want);
  free(got);
  wb_module_delete(sm);
out:
  free(why);
  free(snap);
  wb_module_delete(orig);
  free(obytes);
}

static void test_modules(void) {
  static const modcase_t cases[] = {
      /* 4 pages holding a few hundred bytes */
      {"wizer", NULL, "wizer.initialize", 2000},
      /* 4000 bytes of squares */
      {"reactor", NULL, "_initialize", 4500},
      {"custom", "setup", NULL, 600},
      /* 16384 bytes 64 apart: 10000 segments, smallest gaps filled */
      {"sparse", NULL, "wizer.initialize", 500000},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_module(&cases[i]);
}

static void test_wizer_state(void) {
  char *path = path_of(wasm_dir, "wizer", ".wasm");
  size_t olen = 0, len = 0;
  uint8_t *obytes = read_all(path, &olen);
  uint8_t *snap = obytes ? snapshot_of(obytes, olen, NULL, false, &len, NULL) : NULL;
  CHECK(snap != NULL);
  /* Four pages hold a few hundred non-zero bytes: the output stays small. */
  CHECK(len < 2 * olen);
  if (snap) check_wizer_state(snap, len);
  free(snap);
  free(obytes);
  free(path);
}

/* {====================== Failures ======================} */

static void test_trap(void) {
  char *path = path_of(wasm_dir, "trap", ".wasm");
  size_t olen = 0, len = 0;
  uint8_t *obytes = read_all(path, &olen);
  char *why = NULL;
  uint8_t *snap = snapshot_of(obytes, olen, NULL, false, &len, &why);
  CHECK(snap == NULL);
  CHECK_CONTAINS(why, "trap 1: unreachable");
  free(why);
  free(obytes);
  free(path);
}

static void test_host_values(void) {
  char *path = path_of(wasm_dir, "host", ".wasm");
  size_t olen = 0, len = 0;
  uint8_t *obytes = read_all(path, &olen);
  char *why = NULL;
  /* An imported host function in a table is its import index. */
  uint8_t *snap = snapshot_of(obytes, olen, "init_ok", true, &len, &why);
  CHECK(snap != NULL);
  if (snap) {
    wb_module_t *sm = load_module(snap, len);
    char *got = sm ? queries_of(sm, NULL, true) : NULL;
    CHECK_CONTAINS(got, "q_f0=42\n");
    free(got);
    wb_module_delete(sm);
  }
  free(snap);
  free(why);
  snap = snapshot_of(obytes, olen, "init_bad", true, &len, &why);
  CHECK(snap == NULL);
  CHECK_CONTAINS(why, "externref table 1 holds a host reference at 0");
  free(why);
  snap = snapshot_of(obytes, olen, "init_badg", true, &len, &why);
  CHECK(snap == NULL);
  CHECK_CONTAINS(why, "global 0 holds a externref reference to a host object");
  free(why);
  free(obytes);
  free(path);
}

static void test_null_args(void) {
  uint8_t *out = (uint8_t *)1;
  size_t len = 1;
  wb_error_t *err = wb_template_snapshot(NULL, &out, &len);
  CHECK(err != NULL && out == NULL && len == 0);
  wb_error_delete(err);
}

/* {====================== The CLI ======================} */

/* Runs the snapshot CLI with args; returns its exit status and leaves its
   stderr in OUT_DIR/cli.err. */
static int run_cli(const char *args) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s/cli.err' >'%s/cli.out'", cli_path, args, out_dir,
           out_dir);
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *cli_file(const char *name) {
  char *p = path_of(out_dir, name, "");
  size_t n = 0;
  uint8_t *b = read_all(p, &n);
  free(p);
  if (b) b[n] = 0;
  return (char *)b;
}

/* The WASI snapshot keeps its import and holds fd_write's results. */
static void check_wasi_output(void) {
  char *p = path_of(out_dir, "wasi", ".cli.wasm");
  size_t n = 0;
  uint8_t *b = read_all(p, &n);
  wb_module_t *m = b ? load_module(b, n) : NULL;
  CHECK(m != NULL);
  if (m) {
    CHECK_EQ(wb_module_import_count(m), 1);
    CHECK(!exports_name(m, "_initialize"));
    wb_store_t *store = wb_store_new(engine);
    wb_linker_t *lk = wb_linker_new(store);
    /* A stand-in for fd_write: the snapshot must not call it again. */
    wb_valkind_t i32 = WB_I32, ps[4] = {WB_I32, WB_I32, WB_I32, WB_I32};
    wb_functype_t *t = wb_functype_new(ps, 4, &i32, 1);
    CHECK(wb_linker_define_func(lk, "wasi_snapshot_preview1", "fd_write", t, host_f, NULL,
                                NULL) == NULL);
    wb_functype_delete(t);
    wb_instance_t *inst = NULL;
    wb_trap_t *trap = NULL;
    CHECK(wb_linker_instantiate(lk, m, &inst, &trap) == NULL && trap == NULL);
    char *q = inst ? run_queries(store, inst, m) : NULL;
    CHECK(q && strcmp(q, "q_errno=0\nq_written=14\n") == 0);
    free(q);
    wb_linker_delete(lk);
    wb_store_delete(store);
  }
  wb_module_delete(m);
  free(b);
  free(p);
}

static void test_cli(void) {
  char args[2048];
  snprintf(args, sizeof args, "'%s/wizer.wasm' -o '%s/wizer.cli.wasm'", wasm_dir, out_dir);
  CHECK_EQ(run_cli(args), 0);
  char *err = cli_file("cli.err"), *out = cli_file("cli.out");
  CHECK(err && out && !*err && !*out); /* silent on success */
  free(err);
  free(out);
  /* The CLI writes what the API makes. */
  char *p1 = path_of(out_dir, "wizer", ".cli.wasm"), *p2 = path_of(out_dir, "wizer", ".snap.wasm");
  size_t n1 = 0, n2 = 0;
  uint8_t *b1 = read_all(p1, &n1), *b2 = read_all(p2, &n2);
  CHECK(b1 && b2 && n1 == n2 && memcmp(b1, b2, n1) == 0);
  free(b1), free(b2), free(p1), free(p2);

  snprintf(args, sizeof args, "'%s/custom.wasm' --init setup -o '%s/custom.cli.wasm'", wasm_dir,
           out_dir);
  CHECK_EQ(run_cli(args), 0);

  snprintf(args, sizeof args, "'%s/trap.wasm' -o '%s/trap.cli.wasm'", wasm_dir, out_dir);
  CHECK_EQ(run_cli(args), 134);
  err = cli_file("cli.err");
  CHECK(err && strncmp(err, "trap: unreachable: unreachable", 30) == 0);
  free(err);
  struct stat sb;
  char *tp = path_of(out_dir, "trap", ".cli.wasm");
  CHECK(stat(tp, &sb) != 0); /* nothing written */
  free(tp);

  snprintf(args, sizeof args, "'%s/custom.wasm' --init nope -o '%s/x.wasm'", wasm_dir, out_dir);
  CHECK_EQ(run_cli(args), 1);
  err = cli_file("cli.err");
  CHECK_CONTAINS(err, "nope");
  CHECK(err && strchr(err, '\n') == err + strlen(err) - 1); /* one line */
  free(err);

  /* WASI imports get stdio: init's output shows, the import stays. */
  snprintf(args, sizeof args, "'%s/wasi.wasm' -o '%s/wasi.cli.wasm'", wasm_dir, out_dir);
  CHECK_EQ(run_cli(args), 0);
  out = cli_file("cli.out");
  CHECK(out && strcmp(out, "wasi init ran\n") == 0);
  free(out);
  check_wasi_output();

  snprintf(args, sizeof args, "'%s/host.wasm' -o '%s/x.wasm'", wasm_dir, out_dir);
  CHECK_EQ(run_cli(args), 1); /* env imports: nothing links them */
  snprintf(args, sizeof args, "'%s/wizer.wasm'", wasm_dir);
  CHECK_EQ(run_cli(args), 1); /* no -o */
  CHECK_EQ(run_cli("/nonexistent.wasm -o /dev/null"), 1);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s WASM_DIR SNAPSHOT_CLI OUT_DIR\n", argv[0]);
    return 2;
  }
  wasm_dir = argv[1];
  cli_path = argv[2];
  out_dir = argv[3];
  mkdir(out_dir, 0777);
  have_node = system("command -v node >/dev/null 2>&1") == 0;
  have_wasm_validate = system("command -v wasm-validate >/dev/null 2>&1") == 0;
  if (!have_node) printf("snapshot: node not found, skipping the node comparisons\n");
  engine = wb_engine_new(NULL);
  test_modules();
  test_wizer_state();
  test_trap();
  test_host_values();
  test_null_args();
  test_cli();
  wb_engine_delete(engine);
  printf("snapshot: %d passed, %d failed\n", test_passed, test_failed);
  return test_failed ? 1 : 0;
}
