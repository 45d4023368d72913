/* SPDX-License-Identifier: Apache-2.0 */
/*
** The skip list (tests/spec/skiplist.txt). One entry a line:
**
**   FILE.wast        # reason      skip every command of the file
**   FILE.wast:LINE   # reason      skip the command at that .wast line
**
** FILE may be a glob ("simd_*.wast", fnmatch rules). Blank lines and lines
** starting with '#' are comments. An entry without a reason is an error:
** every skip has to say why.
*/
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

typedef struct skip_entry {
  char *pattern; /* file name or glob */
  long line;     /* 0: the whole file */
  char *reason;
} skip_entry_t;

struct spec_skiplist {
  skip_entry_t *entries;
  size_t count, cap;
};

/* Trims leading and trailing blanks in place; returns the new start. */
static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  return s;
}

static char *dup_str(const char *s) {
  char *d = strdup(s);
  if (!d) abort();
  return d;
}

/* Splits "FILE[:LINE]" into the entry; false if LINE is not a number. */
static bool parse_target(char *target, skip_entry_t *e) {
  char *colon = strrchr(target, ':');
  e->line = 0;
  if (colon) {
    char *end;
    errno = 0;
    long line = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || line <= 0) return false;
    *colon = '\0';
    e->line = line;
  }
  return *target != '\0';
}

/* Parses one non-comment line into the list. Prints and returns false on a
   malformed entry. */
static bool add_line(spec_skiplist_t *list, char *text, const char *path,
                     int lineno) {
  char *hash = strchr(text, '#');
  char *reason = hash ? trim(hash + 1) : NULL;
  if (!reason || !*reason) {
    fprintf(stderr, "%s:%d: skip entry without a reason (add '# why')\n",
            path, lineno);
    return false;
  }
  *hash = '\0';
  skip_entry_t e = {0};
  if (!parse_target(trim(text), &e)) {
    fprintf(stderr, "%s:%d: bad skip entry (want FILE.wast[:LINE])\n", path,
            lineno);
    return false;
  }
  if (list->count == list->cap) {
    list->cap = list->cap ? list->cap * 2 : 16;
    list->entries = realloc(list->entries, list->cap * sizeof *list->entries);
    if (!list->entries) abort();
  }
  e.pattern = dup_str(trim(text));
  e.reason = dup_str(reason);
  list->entries[list->count++] = e;
  return true;
}

spec_skiplist_t *spec_skiplist_load(const char *path) {
  spec_skiplist_t *list = calloc(1, sizeof *list);
  if (!list) abort();
  if (!path) return list;
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    spec_skiplist_free(list);
    return NULL;
  }
  char buf[1024];
  int lineno = 0;
  bool ok = true;
  while (ok && fgets(buf, sizeof buf, f)) {
    lineno++;
    char *text = trim(buf);
    if (*text && *text != '#') ok = add_line(list, text, path, lineno);
  }
  fclose(f);
  if (!ok) {
    spec_skiplist_free(list);
    return NULL;
  }
  return list;
}

void spec_skiplist_free(spec_skiplist_t *list) {
  if (!list) return;
  for (size_t i = 0; i < list->count; i++) {
    free(list->entries[i].pattern);
    free(list->entries[i].reason);
  }
  free(list->entries);
  free(list);
}

/* First entry for wast with the given line (0 = whole file), or NULL. */
static const char *find(const spec_skiplist_t *list, const char *wast,
                        long line) {
  for (size_t i = 0; i < list->count; i++) {
    const skip_entry_t *e = &list->entries[i];
    if (e->line == line && fnmatch(e->pattern, wast, 0) == 0) return e->reason;
  }
  return NULL;
}

const char *spec_skip_file(const spec_skiplist_t *list, const char *wast) {
  return find(list, wast, 0);
}

const char *spec_skip_line(const spec_skiplist_t *list, const char *wast,
                           long line) {
  return line > 0 ? find(list, wast, line) : NULL;
}
