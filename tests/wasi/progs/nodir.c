/* SPDX-License-Identifier: Apache-2.0 */
/* No directory granted: no preopen exists and no path reaches a file. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  __wasi_prestat_t pre;
  CHECK_WASI(__wasi_fd_prestat_get(3, &pre), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(0, &pre), __WASI_ERRNO_BADF);
  __wasi_fd_t fd;
  CHECK_WASI(__wasi_path_open(3, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_path_open(1, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  CHECK(fopen("/etc/passwd", "r") == NULL);
  CHECK(fopen("data.txt", "r") == NULL);
  CHECK(open("/tmp", O_RDONLY) == -1);
  struct stat st;
  CHECK(stat("/", &st) == -1);
  CHECK(mkdir("/tmp/wasmbox-should-not-exist", 0755) == -1);
  puts("nodir: nothing reachable");
  return 0;
}
