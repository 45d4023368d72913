/* SPDX-License-Identifier: Apache-2.0 */
/*
** spec-runner: runs the official WebAssembly spec tests against wasmbox.
**
**   spec-runner [--verbose] [--skip FILE] [--work DIR] [--no-fork]
**               [--timeout SECS] [--engine interp|aot|auto] [--cache DIR]
**               [--jobs N] SPEC_DIR_OR_WAST...
**
** --engine aot compiles every module ahead of time (cached in --cache DIR);
** --jobs N runs N files at once.
**
** Each .wast is converted with `wast2json FILE.wast -o WORK/NAME/NAME.json`
** and its commands run in a child process of their own, so that an engine
** crash or hang costs one file, not the run. Counters live in shared memory
** so the child's progress survives it. The last line of stdout is always
**
**   spec: N passed, M failed, K skipped
**
** Exit status 0 when at least 99.5% of the commands that ran passed and no
** file crashed; 1 otherwise; 2 on a usage error.
*/
#define _GNU_SOURCE /* nftw, strsignal, mkdtemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec.h"

extern char **environ;

/* Pass rate (in per mille of non-skipped commands) needed for success. */
#define SPEC_PASS_PER_MILLE 995

typedef struct run_opts {
  spec_opts_t spec;
  bool fork;
  unsigned timeout; /* seconds per file in the child; 0 = none */
  int jobs;         /* files run at the same time (children) */
} run_opts_t;

typedef struct totals {
  long passed, failed, skipped;
  int crashed;
  bool unusable; /* a path given could not be read, or held no .wast */
} totals_t;

/* {====================== Files ======================} */

uint8_t *spec_read_file(const char *path, size_t limit, size_t *len,
                        char *why, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(why, n, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
      (uint64_t)st.st_size > limit) {
    snprintf(why, n, "%s: not a regular file of at most %zu bytes", path,
             limit);
    fclose(f);
    return NULL;
  }
  size_t size = (size_t)st.st_size;
  uint8_t *buf = malloc(size + 1);
  if (!buf) abort();
  *len = fread(buf, 1, size, f);
  bool bad = ferror(f) || *len != size;
  fclose(f);
  if (bad) {
    snprintf(why, n, "%s: read error", path);
    free(buf);
    return NULL;
  }
  buf[size] = '\0';
  return buf;
}

/* mkdir -p; true when the directory exists afterwards. */
static bool make_dirs(const char *path) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return false;
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return false;
    *p = '/';
  }
  return mkdir(buf, 0777) == 0 || errno == EEXIST;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

/* Orders directory entries by byte value, independent of the locale. */
static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_wast(const struct dirent *e) {
  size_t n = strlen(e->d_name);
  return n > 5 && strcmp(e->d_name + n - 5, ".wast") == 0;
}

/* Appends every *.wast of dir (sorted) or the file itself to list. */
static bool collect(const char *path, char ***list, size_t *count) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "spec-runner: %s: %s\n", path, strerror(errno));
    return false;
  }
  struct dirent **ents = NULL;
  int n = S_ISDIR(st.st_mode) ? scandir(path, &ents, is_wast, by_name) : 1;
  if (n < 0) {
    fprintf(stderr, "spec-runner: %s: %s\n", path, strerror(errno));
    return false;
  }
  *list = realloc(*list, (*count + (size_t)n + 1) * sizeof **list);
  if (!*list) abort();
  for (int i = 0; i < n; i++) {
    char buf[4096];
    if (ents) snprintf(buf, sizeof buf, "%s/%s", path, ents[i]->d_name);
    else snprintf(buf, sizeof buf, "%s", path);
    (*list)[(*count)++] = strdup(buf);
    if (ents) free(ents[i]);
  }
  free(ents);
  return true;
}

/* {====================== Conversion ======================} */

/* First line of the file at path (for wast2json's complaint). */
static void first_line(const char *path, char *buf, size_t n) {
  size_t len;
  char why[64];
  uint8_t *text = spec_read_file(path, 1 << 20, &len, why, sizeof why);
  snprintf(buf, n, "%s", text && *text ? (char *)text : "(no message)");
  buf[strcspn(buf, "\n")] = '\0';
  free(text);
}

/* Runs wast2json; on failure returns false with its message in why. */
static bool convert(const char *wast, const char *dir, const char *json,
                    char *why, size_t n) {
  char log[4200];
  snprintf(log, sizeof log, "%s/wast2json.log", dir);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
                                   0666);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  char *argv[] = {"wast2json", (char *)wast, "-o", (char *)json, NULL};
  pid_t pid;
  int rc = posix_spawnp(&pid, "wast2json", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    snprintf(why, n, "cannot run wast2json: %s", strerror(rc));
    return false;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  char msg[512];
  first_line(log, msg, sizeof msg);
  snprintf(why, n, "wast2json failed: %s", msg);
  return false;
}

/* Converts wast and parses the JSON. Returns the root (caller deletes)
   and its "commands" array, or NULL with a reason. */
static cJSON *load_commands(const char *wast_path, const char *name,
                            const char *work, char *dir, size_t dirlen,
                            const cJSON **commands, char *why, size_t n) {
  char json[4200];
  snprintf(dir, dirlen, "%s/%s", work, name);
  snprintf(json, sizeof json, "%s/%s.json", dir, name);
  if (!make_dirs(dir)) {
    snprintf(why, n, "cannot create %s: %s", dir, strerror(errno));
    return NULL;
  }
  if (!convert(wast_path, dir, json, why, n)) return NULL;
  size_t len;
  uint8_t *text = spec_read_file(json, SPEC_MAX_FILE_BYTES, &len, why, n);
  if (!text) return NULL;
  cJSON *root = spec_json_parse((const char *)text, len);
  free(text);
  *commands = cJSON_GetObjectItemCaseSensitive(root, "commands");
  if (!cJSON_IsArray(*commands)) {
    snprintf(why, n, "%s: not wast2json output", json);
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}

/* {====================== Running one file ======================} */

/* Converts and runs one file in this process, updating counts. */
static void run_file(const char *path, const char *base, const char *name,
                     const run_opts_t *o, spec_counts_t *counts) {
  char dir[4200], why[8192];
  const cJSON *commands;
  cJSON *root = load_commands(path, name, o->spec.work, dir, sizeof dir,
                              &commands, why, sizeof why);
  if (!root) {
    counts->failed++;
    printf("%s: %s\n", base, why);
    return;
  }
  spec_run_commands(base, dir, commands, &o->spec, counts);
  cJSON_Delete(root);
}

/* Counts a skipped file: its commands if it converts, else one. */
static void skip_file(const char *path, const char *base, const char *name,
                      const run_opts_t *o, const char *reason,
                      spec_counts_t *counts) {
  char dir[4200], why[8192];
  const cJSON *commands;
  cJSON *root = load_commands(path, name, o->spec.work, dir, sizeof dir,
                              &commands, why, sizeof why);
  long n = root ? cJSON_GetArraySize(commands) : 1;
  cJSON_Delete(root);
  counts->skipped += n;
  if (o->spec.verbose)
    printf("%s: skipped (%ld commands): %s\n", base, n, reason);
}

/* Forks a child that runs one file; its pid, or -1 (counted as a failure). */
static pid_t start_isolated(const char *path, const char *base, const char *name,
                            const run_opts_t *o, spec_counts_t *counts) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    counts->failed++;
    printf("%s: fork: %s\n", base, strerror(errno));
    return -1;
  }
  if (pid == 0) {
    if (o->timeout) alarm(o->timeout);
    run_file(path, base, name, o, counts);
    exit(0); /* exit, not _exit: flushes stdio and lets LeakSanitizer run */
  }
  return pid;
}

/* Judges a child's exit status. Returns false when the child crashed,
   timed out or exited badly (counted as one more failure). */
static bool reap_status(int status, const char *base, const run_opts_t *o,
                        spec_counts_t *counts) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  counts->failed++;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    printf("%s:%ld: timed out after %u s\n", base, counts->line, o->timeout);
  else if (WIFSIGNALED(status))
    printf("%s:%ld: crashed: %s\n", base, counts->line,
           strsignal(WTERMSIG(status)));
  else
    printf("%s:%ld: child exited with status %d (sanitizer report?)\n", base,
           counts->line, WEXITSTATUS(status));
  return false;
}

/* Runs one file in a child process; false as reap_status. */
static bool run_isolated(const char *path, const char *base, const char *name,
                         const run_opts_t *o, spec_counts_t *counts) {
  pid_t pid = start_isolated(path, base, name, o, counts);
  if (pid < 0) return false;
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return reap_status(status, base, o, counts);
}

static void add_counts(totals_t *t, const spec_counts_t *c, const char *base,
                       const run_opts_t *o) {
  t->passed += c->passed;
  t->failed += c->failed;
  t->skipped += c->skipped;
  if (o->spec.verbose)
    printf("%s: %ld passed, %ld failed, %ld skipped\n", base, c->passed,
           c->failed, c->skipped);
}

/* Splits a .wast path into its basename and its name without ".wast". */
static const char *split_path(const char *path, char *name, size_t n) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  snprintf(name, n, "%.*s", (int)(strlen(base) - 5), base);
  return base;
}

/* --jobs N: up to N children at once, each with its own counters (shared
   memory). Output lines of different files may interleave. */
static void run_parallel(char **files, size_t nfiles, const run_opts_t *o,
                         totals_t *t) {
  size_t n = (size_t)o->jobs;
  spec_counts_t *cs = mmap(NULL, n * sizeof *cs, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t *pids = calloc(n, sizeof *pids);
  const char **bases = calloc(n, sizeof *bases);
  if (cs == MAP_FAILED || !pids || !bases) abort();
  size_t next = 0, active = 0;
  char name[256];
  while (next < nfiles || active) {
    for (size_t k = 0; k < n && next < nfiles; k++) {
      if (pids[k]) continue;
      const char *path = files[next++], *base = split_path(path, name, sizeof name);
      memset(&cs[k], 0, sizeof cs[k]);
      const char *reason = spec_skip_file(o->spec.skips, base);
      if (reason) skip_file(path, base, name, o, reason, &cs[k]);
      else if ((pids[k] = start_isolated(path, base, name, o, &cs[k])) > 0) {
        bases[k] = base;
        active++;
        continue;
      } else {
        pids[k] = 0;
        t->crashed++;
      }
      add_counts(t, &cs[k], base, o);
    }
    if (!active) continue;
    int status;
    pid_t p = waitpid(-1, &status, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (size_t k = 0; k < n; k++)
      if (pids[k] == p) {
        if (!reap_status(status, bases[k], o, &cs[k])) t->crashed++;
        add_counts(t, &cs[k], bases[k], o);
        pids[k] = 0;
        active--;
      }
  }
  free(pids);
  free(bases);
  munmap(cs, n * sizeof *cs);
}

/* Runs or skips one .wast and adds its counts to t. */
static void run_one(const char *path, const run_opts_t *o,
                    spec_counts_t *counts, totals_t *t) {
  char name[256];
  const char *base = split_path(path, name, sizeof name);
  memset(counts, 0, sizeof *counts);
  const char *reason = spec_skip_file(o->spec.skips, base);
  if (reason) skip_file(path, base, name, o, reason, counts);
  else if (!o->fork) run_file(path, base, name, o, counts);
  else if (!run_isolated(path, base, name, o, counts)) t->crashed++;
  add_counts(t, counts, base, o);
}

/* {====================== Command line ======================} */

static int usage(void) {
  fprintf(stderr,
          "usage: spec-runner [--verbose] [--skip FILE] [--work DIR] "
          "[--no-fork] [--timeout SECS]\n"
          "                   [--engine interp|aot|auto] [--cache DIR] [--jobs N] "
          "SPEC_DIR_OR_WAST...\n");
  return 2;
}

/* Parses options into o and the paths into *paths; false on bad usage. */
static bool parse_args(int argc, char **argv, run_opts_t *o,
                       const char **skip, char ***paths, int *npaths) {
  *paths = calloc((size_t)argc, sizeof **paths);
  if (!*paths) abort();
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    bool has_value = i + 1 < argc;
    if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) o->spec.verbose = true;
    else if (strcmp(a, "--no-fork") == 0) o->fork = false;
    else if (strcmp(a, "--skip") == 0 && has_value) *skip = argv[++i];
    else if (strcmp(a, "--work") == 0 && has_value) o->spec.work = argv[++i];
    else if (strcmp(a, "--cache") == 0 && has_value) o->spec.cache = argv[++i];
    else if (strcmp(a, "--jobs") == 0 && has_value) o->jobs = atoi(argv[++i]);
    else if (strcmp(a, "--engine") == 0 && has_value) {
      const char *e = argv[++i];
      if (strcmp(e, "interp") == 0) o->spec.engine = WB_ENGINE_INTERP;
      else if (strcmp(e, "aot") == 0) o->spec.engine = WB_ENGINE_AOT;
      else if (strcmp(e, "auto") == 0) o->spec.engine = WB_ENGINE_AUTO;
      else return false;
    }
    else if (strcmp(a, "--timeout") == 0 && has_value)
      o->timeout = (unsigned)strtoul(argv[++i], NULL, 10);
    else if (a[0] == '-' && a[1] == '-') return false;
    else (*paths)[(*npaths)++] = argv[i];
  }
  return *npaths > 0;
}

/* Prints the summary and picks the exit status. */
static int finish(const totals_t *t) {
  long ran = t->passed + t->failed;
  bool rate_ok = ran == 0 || t->passed * 1000 >= ran * SPEC_PASS_PER_MILLE;
  int status = rate_ok && t->crashed == 0 && !t->unusable ? 0 : 1;
  if (t->crashed) printf("note: %d file(s) crashed or timed out\n", t->crashed);
  if (status == 0 && t->failed)
    printf("note: %ld failures tolerated (pass rate %.2f%% >= 99.5%%)\n",
           t->failed, 100.0 * (double)t->passed / (double)ran);
  printf("spec: %ld passed, %ld failed, %ld skipped\n", t->passed, t->failed,
         t->skipped);
  return status;
}

int main(int argc, char **argv) {
  run_opts_t o = {.fork = true, .timeout = 600};
  const char *skip = NULL;
  char **paths;
  int npaths = 0;
  if (!parse_args(argc, argv, &o, &skip, &paths, &npaths)) {
    free(paths);
    return usage();
  }
  spec_skiplist_t *skips = spec_skiplist_load(skip);
  if (!skips) {
    free(paths);
    return 2;
  }
  /* Without --work, a private temporary folder, removed at the end. */
  char tmpwork[] = "/tmp/spec-runner-XXXXXX";
  bool own_work = !o.spec.work;
  if (own_work) o.spec.work = mkdtemp(tmpwork);
  if (!o.spec.work || !make_dirs(o.spec.work)) {
    fprintf(stderr, "spec-runner: cannot create work directory\n");
    spec_skiplist_free(skips);
    free(paths);
    return 2;
  }
  o.spec.skips = skips;

  char **files = NULL;
  size_t nfiles = 0;
  bool ok = true;
  for (int i = 0; i < npaths; i++) ok = collect(paths[i], &files, &nfiles) && ok;
  free(paths);

  /* Shared with the children: their counts survive a crash. */
  spec_counts_t *counts = mmap(NULL, sizeof *counts, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counts == MAP_FAILED) abort();
  totals_t t = {0};
  if (o.jobs > 1 && o.fork) run_parallel(files, nfiles, &o, &t);
  else
    for (size_t i = 0; i < nfiles; i++) run_one(files[i], &o, counts, &t);
  for (size_t i = 0; i < nfiles; i++) free(files[i]);
  free(files);
  munmap(counts, sizeof *counts);
  spec_skiplist_free(skips);
  if (own_work) nftw(o.spec.work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  if (!ok || nfiles == 0) {
    /* A run that could not look at its input must not pass. */
    fprintf(stderr, "spec-runner: %s\n",
            !ok ? "some paths were unusable" : "no .wast files found");
    t.unusable = true;
  }
  return finish(&t);
}
