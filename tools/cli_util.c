/* SPDX-License-Identifier: Apache-2.0 */
/*
** Helpers every `wasmbox` command shares: reading input files and printing
** library errors in one format.
*/
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_report_error(const char *cmd, const char *where, const wb_error_t *err) {
  fprintf(stderr, "wasmbox: %s%s%s: ", cmd ? cmd : "", cmd ? ": " : "", where);
  for (const char *m = wb_error_message(err); *m; m++) {
    if (*m != '\n')
      fputc(*m, stderr);
    else if (m[1] != '\0')
      fputs("; ", stderr);
  }
  size_t off = wb_error_offset(err);
  if (off != SIZE_MAX) fprintf(stderr, " (at byte offset 0x%zx)", off);
  fputc('\n', stderr);
}

/* Doubles buf's capacity; false (buf freed, errno ENOMEM) when it cannot. */
static bool grow(uint8_t **buf, size_t *cap) {
  uint8_t *bigger = *cap > SIZE_MAX / 2 ? NULL : realloc(*buf, *cap * 2);
  if (!bigger) {
    free(*buf);
    *buf = NULL;
    errno = ENOMEM;
    return false;
  }
  *buf = bigger;
  *cap *= 2;
  return true;
}

uint8_t *cli_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  errno = 0;
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || !grow(&buf, &cap)) break; /* end of file or an error, told apart below */
  }
  if (buf && ferror(f)) { /* e.g. EISDIR: keep fread's errno if it set one */
    int e = errno ? errno : EIO;
    free(buf);
    buf = NULL;
    errno = e;
  }
  fclose(f);
  *len = n;
  return buf;
}

int cli_exec_sibling(const char *program, char **argv) {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  char *slash = n > 0 ? memrchr(path, '/', (size_t)n) : NULL;
  size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
  if (!slash || dir + strlen(program) >= sizeof path) {
    fprintf(stderr, "wasmbox: cannot find my own directory to run %s\n", program);
    return 1;
  }
  strcpy(path + dir, program);
  execv(path, argv);
  fprintf(stderr, "wasmbox: cannot run %s: %s\n", path, strerror(errno));
  return 1;
}
