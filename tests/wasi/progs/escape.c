/* SPDX-License-Identifier: Apache-2.0 */
/*
** Escape attempts from a granted directory (guest descriptor 3, guest
** name argv[1]). The runner prepared, inside it:
**   inside.txt           "inside\n"
**   d/                   a directory
**   abs -> /etc/passwd   rel -> ../../../../../../../../etc/passwd
**   etcdir -> /etc       updir -> ..       loop1 <-> loop2
**   d/up -> ../..        (climbs out from one level down)
** Raw WASI calls check the exact errno (76 = ENOTCAPABLE, 32 = ELOOP).
** `escape race` instead opens `swap` and `swapdir/passwd` many times
** while the runner's swapper flips them between inside and /etc; the
** guest must never read /etc/passwd.
*/
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* path_open on the grant; returns the errno, closing a descriptor it got. */
static __wasi_errno_t try_open(const char *path, __wasi_lookupflags_t look) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(3, look, path, 0, R_READ, 0, 0, &fd);
  if (e == 0) (void)__wasi_fd_close(fd);
  return e;
}

static void raw_escapes(void) {
  CHECK_WASI(try_open("inside.txt", FOLLOW), 0);
  CHECK_WASI(try_open("..", FOLLOW), 76);
  CHECK_WASI(try_open("../etc/passwd", FOLLOW), 76);
  CHECK_WASI(try_open("d/../../etc/passwd", FOLLOW), 76);
  CHECK_WASI(try_open("d/../inside.txt", FOLLOW), 0);
  CHECK_WASI(try_open("./d/./..", FOLLOW), 0);
  CHECK_WASI(try_open("/etc/passwd", FOLLOW), 76);
  CHECK_WASI(try_open("/", 0), 76);
  CHECK_WASI(try_open("abs", FOLLOW), 76);
  CHECK_WASI(try_open("abs", 0), 32); /* not following: the link itself, refused */
  CHECK_WASI(try_open("rel", FOLLOW), 76);
  CHECK_WASI(try_open("etcdir/passwd", FOLLOW), 76);
  CHECK_WASI(try_open("etcdir/passwd", 0), 76); /* intermediate links are always followed */
  CHECK_WASI(try_open("updir/etc/passwd", 0), 76);
  CHECK_WASI(try_open("d/up/etc/passwd", 0), 76);
  CHECK_WASI(try_open("d/up", FOLLOW), 76);
  CHECK_WASI(try_open("loop1", FOLLOW), 32);
  CHECK_WASI(try_open("loop1/x", 0), 32);
  CHECK_WASI(try_open("", 0), 44);
  __wasi_filestat_t st;
  CHECK_WASI(__wasi_path_filestat_get(3, FOLLOW, "abs", &st), 76);
  CHECK_WASI(__wasi_path_filestat_get(3, 0, "abs", &st), 0);
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  CHECK_WASI(__wasi_path_filestat_get(3, 0, "../", &st), 76);
  CHECK_WASI(__wasi_path_create_directory(3, "../evil"), 76);
  CHECK_WASI(__wasi_path_rename(3, "inside.txt", 3, "../moved"), 76);
  CHECK_WASI(__wasi_path_unlink_file(3, "etcdir/passwd"), 76);
  CHECK_WASI(__wasi_path_link(3, FOLLOW, "abs", 3, "hard"), 76);
  /* Creating links that point out is refused too. */
  CHECK_WASI(__wasi_path_symlink("/etc/passwd", 3, "mine"), 76);
  CHECK_WASI(__wasi_path_symlink("../x", 3, "mine"), 76);
  CHECK_WASI(__wasi_path_symlink("../../x", 3, "d/mine"), 76);
  CHECK_WASI(__wasi_path_symlink("../inside.txt", 3, "d/mine"), 0);
  CHECK_WASI(try_open("d/mine", FOLLOW), 0);
  CHECK_WASI(__wasi_path_unlink_file(3, "d/mine"), 0);
  /* Reading a link's text is allowed: it is data inside the grant. */
  char buf[64];
  __wasi_size_t n;
  CHECK_WASI(__wasi_path_readlink(3, "abs", (uint8_t *)buf, sizeof buf, &n), 0);
  CHECK(n == 11 && memcmp(buf, "/etc/passwd", 11) == 0);
  /* Bad guest pointers fail with EFAULT (21), without touching the host. */
  CHECK_WASI(__wasi_path_readlink(3, "abs", (uint8_t *)0xfffffff0u, 64, &n), 21);
  CHECK_WASI(__wasi_fd_prestat_dir_name(3, (uint8_t *)0xffffffffu, 64), 21);
  puts("raw escapes: refused");
}

static void libc_escapes(const char *root) {
  char p[256];
  snprintf(p, sizeof p, "%s/../etc/passwd", root);
  CHECK(open(p, O_RDONLY) == -1 && errno == ENOTCAPABLE);
  snprintf(p, sizeof p, "%s/abs", root);
  CHECK(open(p, O_RDONLY) == -1 && errno == ENOTCAPABLE);
  CHECK(fopen("/etc/passwd", "r") == NULL);
  struct stat st;
  CHECK(stat("/etc/passwd", &st) == -1);
  puts("libc escapes: refused");
}

/* Opens name until both outcomes (opened inside, refused) were seen often
   enough, or n attempts; fails if /etc/passwd's first line ever shows. */
static void race(const char *name, int n) {
  int opened = 0, refused = 0;
  for (int i = 0; i < n && (opened < 300 || refused < 300); i++) {
    __wasi_fd_t fd;
    if (__wasi_path_open(3, FOLLOW, name, 0, R_READ, 0, 0, &fd) != 0) {
      refused++;
      continue;
    }
    char buf[8] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t got = 0;
    (void)__wasi_fd_read(fd, &iov, 1, &got);
    (void)__wasi_fd_close(fd);
    if (strncmp(buf, "root:", 5) == 0) {
      printf("ESCAPED through %s\n", name);
      exit(1);
    }
    CHECK(strncmp(buf, "inside", 6) == 0);
    opened++;
  }
  /* Both outcomes must have happened for the race to mean anything. */
  if (opened == 0 || refused == 0) printf("%s: opened %d, refused %d\n", name, opened, refused);
  CHECK(opened > 0 && refused > 0);
}

int main(int argc, char **argv) {
  CHECK(argc >= 2);
  if (argc == 3 && strcmp(argv[2], "race") == 0) {
    race("swap", 200000);
    race("swapdir/passwd", 200000);
    puts("race: never escaped");
    return 0;
  }
  raw_escapes();
  libc_escapes(argv[1]);
  return 0;
}
