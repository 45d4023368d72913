/* SPDX-License-Identifier: Apache-2.0 */
/*
** The guest of the wasi_current test (test_current.c), run on pooled
** instances with a WASI state per call; argv[1] says what to do:
**   echo TAG     argc and argv, every environment entry, then stdin as
**                "stdin=..." on stdout; "stderr TAG" on stderr
**   stdio        checks that stdio in memory behaves as pipes do
**   flood        writes to stdout forever, ignoring errors
**   sleep MS     sleeps MS milliseconds, then prints "slept"
**   exit N       prints a line, then exit(N)
** With no arguments at all (no state current: nothing granted) it checks
** that nothing is there and exits 0 (1 when something is).
*/
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static int echo(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++)
    printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++)
    printf("env %s\n", *e);
  char buf[8192];
  size_t n = fread(buf, 1, sizeof buf, stdin);
  printf("stdin=%.*s\n", (int)n, buf);
  fprintf(stderr, "stderr %s\n", argc > 2 ? argv[2] : "");
  return ferror(stdin) ? 1 : 0;
}

/* Descriptor 0 (stdin "abc" is expected) and 1 as the host gives them. */
static int stdio(void) {
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(0, &st), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_UNKNOWN);
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_READ) &&
        !(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  CHECK(!(st.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)));
  CHECK_WASI(__wasi_fd_fdstat_get(1, &st), 0);
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) &&
        !(st.fs_rights_base & __WASI_RIGHTS_FD_READ));
  CHECK(!isatty(1));
  __wasi_filesize_t pos;
  CHECK_WASI(__wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
  CHECK_WASI(__wasi_fd_seek(1, 5, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_SPIPE);
  CHECK_WASI(__wasi_fd_tell(2, &pos), __WASI_ERRNO_SPIPE);
  CHECK_ERRNO(lseek(0, 0, SEEK_CUR), ESPIPE);
  __wasi_filestat_t fs;
  memset(&fs, 0xff, sizeof fs);
  CHECK_WASI(__wasi_fd_filestat_get(0, &fs), 0);
  CHECK(fs.filetype == __WASI_FILETYPE_UNKNOWN && fs.size == 0 && fs.ino == 0);
  CHECK_WASI(__wasi_fd_sync(1), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_NONBLOCK), 0);
  CHECK_WASI(__wasi_fd_fdstat_get(1, &st), 0);
  CHECK(st.fs_flags == __WASI_FDFLAGS_NONBLOCK);
  /* Reading stdout and writing stdin lack the rights. */
  char c;
  __wasi_iovec_t rv = {(uint8_t *)&c, 1};
  __wasi_ciovec_t wv = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  CHECK_WASI(__wasi_fd_read(1, &rv, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_fd_write(0, &wv, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_fd_pread(0, &rv, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE);
  /* A bad iovec fails without consuming input. */
  __wasi_iovec_t bad = {(uint8_t *)0xfffffff0, 64};
  CHECK_WASI(__wasi_fd_read(0, &bad, 1, &n), __WASI_ERRNO_FAULT);
  /* poll: stdin is ready with its 3 bytes, at once. */
  __wasi_subscription_t sub = {.userdata = 9, .u.tag = __WASI_EVENTTYPE_FD_READ};
  sub.u.u.fd_read.file_descriptor = 0;
  __wasi_event_t ev;
  CHECK_WASI(__wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
  CHECK(n == 1 && ev.userdata == 9 && ev.error == 0 && ev.fd_readwrite.nbytes == 3);
  CHECK(ev.fd_readwrite.flags == 0);
  char buf[8];
  CHECK_WASI(__wasi_fd_read(0, &(__wasi_iovec_t){(uint8_t *)buf, 2}, 1, &n), 0);
  CHECK(n == 2 && memcmp(buf, "ab", 2) == 0);
  CHECK_WASI(__wasi_fd_read(0, &(__wasi_iovec_t){(uint8_t *)buf, 8}, 1, &n), 0);
  CHECK(n == 1 && buf[0] == 'c');
  CHECK_WASI(__wasi_fd_read(0, &(__wasi_iovec_t){(uint8_t *)buf, 8}, 1, &n), 0);
  CHECK(n == 0); /* end of input */
  CHECK_WASI(__wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
  CHECK(n == 1 && ev.fd_readwrite.nbytes == 0 &&
        ev.fd_readwrite.flags == __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP);
  /* Renumbered, stdout keeps going to the same place; closed, it is gone. */
  CHECK_WASI(__wasi_fd_renumber(1, 2), 0);
  CHECK_WASI(__wasi_fd_write(2, &(__wasi_ciovec_t){(const uint8_t *)"via 2\n", 6}, 1, &n), 0);
  CHECK(n == 6);
  CHECK_WASI(__wasi_fd_write(1, &wv, 1, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_close(2), 0);
  CHECK_WASI(__wasi_fd_write(2, &wv, 1, &n), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_prestat_get(3, &(__wasi_prestat_t){0}), __WASI_ERRNO_BADF);
  return 0;
}

static int flood(void) {
  static char line[1024];
  memset(line, 'f', sizeof line);
  for (;;)
    fwrite(line, 1, sizeof line, stdout);
}

static int nap(const char *ms) {
  long v = strtol(ms, NULL, 10);
  struct timespec ts = {v / 1000, (v % 1000) * 1000000};
  CHECK(nanosleep(&ts, NULL) == 0);
  printf("slept\n");
  return 0;
}

/* No state current: no arguments (checked by the caller), environment,
   stdio, clocks or randomness. */
static int nothing(void) {
  __wasi_fdstat_t st;
  for (int fd = 0; fd < 4; fd++)
    CHECK_WASI(__wasi_fd_fdstat_get(fd, &st), __WASI_ERRNO_BADF);
  CHECK(environ == NULL || environ[0] == NULL);
  __wasi_timestamp_t t;
  CHECK_WASI(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t), __WASI_ERRNO_NOTCAPABLE);
  uint8_t r[4];
  CHECK_WASI(__wasi_random_get(r, sizeof r), __WASI_ERRNO_NOTCAPABLE);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return argc == 0 ? nothing() : 1;
  const char *mode = argv[1];
  if (strcmp(mode, "echo") == 0) return echo(argc, argv);
  if (strcmp(mode, "stdio") == 0) return stdio();
  if (strcmp(mode, "flood") == 0) return flood();
  if (strcmp(mode, "sleep") == 0 && argc > 2) return nap(argv[2]);
  if (strcmp(mode, "exit") == 0 && argc > 2) {
    printf("exiting\n");
    exit((int)strtol(argv[2], NULL, 10));
  }
  return 1;
}
