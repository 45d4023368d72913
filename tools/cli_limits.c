/* SPDX-License-Identifier: Apache-2.0 */
/*
** Limit options of `wasmbox run`: sizes ("64M", "1G", "65536") and durations
** ("100ms", "2s", "500us") read with their units, then applied through the
** public API (wb_config_*, wb_store_*).
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct unit {
  const char *suffix;
  uint64_t scale;
} unit_t;

static const unit_t size_units[] = {{"", 1},
                                    {"K", 1024},
                                    {"KiB", 1024},
                                    {"M", 1024 * 1024},
                                    {"MiB", 1024 * 1024},
                                    {"G", 1024ull * 1024 * 1024},
                                    {"GiB", 1024ull * 1024 * 1024},
                                    {NULL, 0}};
static const unit_t time_units[] = {{"ns", 1},
                                    {"us", 1000},
                                    {"ms", 1000000},
                                    {"s", 1000000000ull},
                                    {"", 1000000000ull},
                                    {"min", 60000000000ull},
                                    {"h", 3600000000000ull},
                                    {NULL, 0}};

/* A whole number followed by one of units; false if malformed or too big. */
static bool parse_scaled(const char *text, const unit_t *units, uint64_t *out) {
  if (*text < '0' || *text > '9') return false;
  errno = 0;
  char *end;
  unsigned long long n = strtoull(text, &end, 10);
  if (errno) return false;
  for (const unit_t *u = units; u->suffix; u++) {
    if (strcmp(end, u->suffix) != 0) continue;
    if (n > UINT64_MAX / u->scale) return false;
    *out = n * u->scale;
    return true;
  }
  return false;
}

/* "--opt=VALUE" or "--opt VALUE"; NULL if argv[*i] is not --opt. */
static const char *value_of(int argc, char **argv, int *i, const char *opt, bool *missing) {
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

static int bad(const char *opt, const char *what) {
  fprintf(stderr, "wasmbox: %s needs %s\n", opt, what);
  return -1;
}

int cli_limits_parse(int argc, char **argv, int *i, cli_limits_t *l) {
  bool missing = false;
  const char *v;
  if ((v = value_of(argc, argv, i, "--max-memory", &missing))) {
    if (missing || !parse_scaled(v, size_units, &l->max_memory) || !l->max_memory)
      return bad("--max-memory", "a size such as 64M, 1G or 65536 (bytes)");
  } else if ((v = value_of(argc, argv, i, "--timeout", &missing))) {
    if (missing || !parse_scaled(v, time_units, &l->timeout_ns) || !l->timeout_ns)
      return bad("--timeout", "a duration such as 100ms, 2s or 500us");
  } else if ((v = value_of(argc, argv, i, "--fuel", &missing))) {
    if (missing || !parse_scaled(v, size_units, &l->fuel))
      return bad("--fuel", "a number of units such as 1000000 or 10M");
    l->fuel_set = true;
  } else if ((v = value_of(argc, argv, i, "--max-stack", &missing))) {
    if (missing || !parse_scaled(v, size_units, &l->stack_bytes) || !l->stack_bytes)
      return bad("--max-stack", "a size such as 1M");
  } else {
    return 0;
  }
  return 1;
}

void cli_limits_config(const cli_limits_t *l, wb_config_t *config) {
  if (l->stack_bytes) wb_config_stack_size_set(config, (size_t)l->stack_bytes);
}

void cli_limits_store(const cli_limits_t *l, wb_store_t *store) {
  if (l->max_memory) {
    wb_limits_t lim = {.max_memory_bytes = l->max_memory};
    wb_store_limits_set(store, &lim);
  }
  if (l->timeout_ns) wb_store_deadline_set(store, l->timeout_ns);
  if (l->fuel_set) wb_store_fuel_set(store, l->fuel);
}
