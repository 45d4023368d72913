/* SPDX-License-Identifier: Apache-2.0 */
/*
** A read-only grant (argv[1]) holding data.txt = "read only\n" and dir/.
** Reading works; every write, create, delete, rename, truncate and
** time change fails with ENOTCAPABLE (76); the runner then checks that
** nothing changed on the host.
*/
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static char p1[256], p2[256];

static const char *at(char *buf, const char *root, const char *rel) {
  snprintf(buf, 256, "%s/%s", root, rel);
  return buf;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  const char *root = argv[1];
  FILE *f = fopen(at(p1, root, "data.txt"), "r");
  char line[64];
  CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "read only\n") == 0);
  fclose(f);
  DIR *d = opendir(root);
  CHECK(d && readdir(d));
  closedir(d);
  struct stat st;
  CHECK(stat(at(p1, root, "dir"), &st) == 0 && S_ISDIR(st.st_mode));

  CHECK_NULL_ERRNO(fopen(at(p1, root, "data.txt"), "w"), 76);
  CHECK_NULL_ERRNO(fopen(at(p1, root, "data.txt"), "a"), 76);
  CHECK_NULL_ERRNO(fopen(at(p1, root, "new.txt"), "w"), 76);
  CHECK_ERRNO(open(at(p1, root, "dir/new.txt"), O_WRONLY | O_CREAT, 0644), 76);
  CHECK_ERRNO(open(at(p1, root, "data.txt"), O_RDONLY | O_TRUNC), 76);
  int fd = open(at(p1, root, "data.txt"), O_RDWR); /* opens, but without write */
  CHECK(fd >= 0);
  CHECK_ERRNO(write(fd, "x", 1), EBADF); /* wasi-libc reports ENOTCAPABLE as EBADF */
  CHECK_ERRNO(ftruncate(fd, 0), 76);
  CHECK_WASI(__wasi_fd_filestat_set_size(fd, 0), 76);
  CHECK_WASI(__wasi_fd_allocate(fd, 0, 100), 76);
  CHECK_WASI(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 76);
  CHECK_WASI(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 76);
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, ~(__wasi_rights_t)0, 0), 76);
  close(fd);
  CHECK_ERRNO(mkdir(at(p1, root, "newdir"), 0755), 76);
  CHECK_ERRNO(rmdir(at(p1, root, "dir")), 76);
  CHECK_ERRNO(unlink(at(p1, root, "data.txt")), 76);
  CHECK_ERRNO(rename(at(p1, root, "data.txt"), at(p2, root, "moved.txt")), 76);
  CHECK_ERRNO(link(at(p1, root, "data.txt"), at(p2, root, "hard.txt")), 76);
  CHECK_ERRNO(symlink("data.txt", at(p1, root, "sym")), 76);
  struct timeval tv[2] = {{1, 0}, {2, 0}};
  CHECK_ERRNO(utimes(at(p1, root, "data.txt"), tv), 76);
  puts("readonly: every write refused");
  return 0;
}
