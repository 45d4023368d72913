/* SPDX-License-Identifier: Apache-2.0 */
/*
** Host-side adversary for the WASI race test (native, not wasm).
**
**   wasi_swapper DIR SECONDS
**
** Keeps exchanging, with renameat2(RENAME_EXCHANGE) so that each name
** always exists:
**   DIR/swap     (a regular file "inside")  <->  DIR/spare_file (-> /etc/passwd)
**   DIR/swapdir  (a directory with passwd)  <->  DIR/spare_dir  (-> /etc)
** so a guest opening "swap" or "swapdir/passwd" races against a symlink
** to the host's /etc appearing at the very name it resolves. Stops after
** SECONDS or when killed. Prints "ready" once both pairs exist.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Writes text to DIR-relative path with dirfd d. */
static int put_file(int d, const char *path, const char *text) {
  int fd = openat(d, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DIR SECONDS\n", argv[0]);
    return 2;
  }
  int d = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (d < 0 || put_file(d, "swap", "inside\n") < 0 || symlinkat("/etc/passwd", d, "spare_file") < 0 ||
      mkdirat(d, "swapdir", 0755) < 0 || put_file(d, "swapdir/passwd", "inside\n") < 0 ||
      symlinkat("/etc", d, "spare_dir") < 0) {
    perror("wasi_swapper: setup");
    return 1;
  }
  puts("ready");
  fflush(stdout);
  time_t end = time(NULL) + atoi(argv[2]);
  while (time(NULL) < end) {
    if (renameat2(d, "swap", d, "spare_file", RENAME_EXCHANGE) < 0 ||
        renameat2(d, "swapdir", d, "spare_dir", RENAME_EXCHANGE) < 0) {
      perror("wasi_swapper: renameat2");
      return 1;
    }
  }
  return 0;
}
