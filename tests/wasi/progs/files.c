/* SPDX-License-Identifier: Apache-2.0 */
/*
** File system operations inside a read-write grant (argv[1] is the guest
** path of the granted directory, which holds input.txt = "hello, file\n"
** from the runner). Prints one line per family and "files: ok".
*/
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

static const char *root;

static const char *at(const char *rel) {
  static char buf[8][512];
  static int k;
  char *b = buf[k++ & 7];
  snprintf(b, 512, "%s/%s", root, rel);
  return b;
}

static void stdio_files(void) {
  FILE *f = fopen(at("input.txt"), "r");
  CHECK(f);
  char line[64];
  CHECK(fgets(line, sizeof line, f) && strcmp(line, "hello, file\n") == 0);
  fclose(f);
  f = fopen(at("out.txt"), "w+");
  CHECK(f);
  for (int i = 0; i < 1000; i++) CHECK(fprintf(f, "line %d\n", i) > 0);
  CHECK(fseek(f, 0, SEEK_END) == 0);
  long size = ftell(f);
  CHECK(size == 8890);
  CHECK(fseek(f, 7 * 10, SEEK_SET) == 0);
  CHECK(fgets(line, sizeof line, f) && strcmp(line, "line 10\n") == 0);
  rewind(f);
  char big[9000];
  CHECK(fread(big, 1, sizeof big, f) == 8890);
  CHECK(fclose(f) == 0);
  f = fopen(at("out.txt"), "a");
  CHECK(f && fputs("appended\n", f) >= 0 && fclose(f) == 0);
  struct stat st;
  CHECK(stat(at("out.txt"), &st) == 0 && st.st_size == 8899 && S_ISREG(st.st_mode));
  puts("stdio: ok");
}

static void posix_io(void) {
  int fd = open(at("raw.bin"), O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 3);
  CHECK_ERRNO(open(at("raw.bin"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
  CHECK(write(fd, "0123456789", 10) == 10);
  CHECK(pwrite(fd, "AB", 2, 4) == 2);
  char b[16] = {0};
  CHECK(pread(fd, b, 10, 0) == 10 && memcmp(b, "0123AB6789", 10) == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 10); /* pread/pwrite leave the offset */
  CHECK(lseek(fd, -3, SEEK_END) == 7 && read(fd, b, 16) == 3 && memcmp(b, "789", 3) == 0);
  CHECK(ftruncate(fd, 4) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 4);
  CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
  CHECK(posix_fadvise(fd, 0, 4, POSIX_FADV_SEQUENTIAL) == 0);
  CHECK(posix_fallocate(fd, 0, 100) == 0 && fstat(fd, &st) == 0 && st.st_size == 100);
  int fl = fcntl(fd, F_GETFL);
  CHECK(fl >= 0 && (fl & O_ACCMODE) == O_RDWR);
  CHECK(fcntl(fd, F_SETFL, fl | O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
  CHECK(close(fd) == 0);
  CHECK_ERRNO(close(fd), EBADF);
  CHECK_ERRNO(read(fd, b, 1), EBADF);
  CHECK_ERRNO(open(at("missing.txt"), O_RDONLY), ENOENT);
  CHECK_ERRNO(open(at("input.txt/x"), O_RDONLY), ENOTDIR);
  fd = open(at("input.txt"), O_RDONLY);
  CHECK(fd >= 0);
  CHECK_ERRNO(write(fd, "x", 1), EBADF); /* no write right: wasi-libc says EBADF */
  close(fd);
  puts("posix io: ok");
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists dir sorted, skipping . and .., as "name/" for directories. */
static void list(const char *dir) {
  DIR *d = opendir(dir);
  CHECK(d);
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    CHECK(n < 64);
    char *s = malloc(strlen(e->d_name) + 2);
    sprintf(s, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
    names[n++] = s;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp);
  printf("ls:");
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  putchar('\n');
}

static void directories(void) {
  CHECK(mkdir(at("sub"), 0755) == 0);
  CHECK_ERRNO(mkdir(at("sub"), 0755), EEXIST);
  CHECK(mkdir(at("sub/deeper"), 0755) == 0);
  FILE *f = fopen(at("sub/deeper/f.txt"), "w");
  CHECK(f && fputs("deep\n", f) >= 0 && fclose(f) == 0);
  CHECK(rename(at("sub/deeper/f.txt"), at("sub/g.txt")) == 0);
  CHECK_ERRNO(rmdir(at("sub")), ENOTEMPTY);
  CHECK(rmdir(at("sub/deeper")) == 0);
  struct stat st;
  CHECK(stat(at("sub/g.txt"), &st) == 0 && st.st_size == 5);
  CHECK(stat(at("sub/./../sub/g.txt"), &st) == 0 && st.st_size == 5);
  CHECK(stat(at("sub"), &st) == 0 && S_ISDIR(st.st_mode));
  /* Many entries, to make readdir need several calls. */
  for (int i = 0; i < 40; i++) {
    char name[64];
    snprintf(name, sizeof name, "sub/entry-with-a-long-name-%02d", i);
    int fd = open(at(name), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0 && close(fd) == 0);
  }
  DIR *d = opendir(at("sub"));
  int n = 0;
  while (readdir(d)) n++;
  closedir(d);
  CHECK(n == 43); /* . .. g.txt and 40 entries */
  for (int i = 0; i < 40; i++) {
    char name[64];
    snprintf(name, sizeof name, "sub/entry-with-a-long-name-%02d", i);
    CHECK(unlink(at(name)) == 0);
  }
  CHECK_ERRNO(unlink(at("sub/nope")), ENOENT);
  CHECK(unlink(at("sub/g.txt")) == 0);
  CHECK(rmdir(at("sub")) == 0);
  list(root);
  puts("directories: ok");
}

static void links_and_times(void) {
  CHECK(symlink("input.txt", at("link.txt")) == 0);
  char buf[64];
  ssize_t n = readlink(at("link.txt"), buf, sizeof buf);
  CHECK(n == 9 && memcmp(buf, "input.txt", 9) == 0);
  struct stat st, lst;
  CHECK(stat(at("link.txt"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12);
  CHECK(lstat(at("link.txt"), &lst) == 0 && S_ISLNK(lst.st_mode));
  FILE *f = fopen(at("link.txt"), "r");
  CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "hello, file\n") == 0);
  fclose(f);
  CHECK_ERRNO(open(at("link.txt"), O_RDONLY | O_NOFOLLOW), ELOOP);
  CHECK(link(at("input.txt"), at("hard.txt")) == 0);
  CHECK(stat(at("hard.txt"), &st) == 0 && st.st_nlink == 2);
  struct timeval tv[2] = {{1000000000, 0}, {1234567890, 500000}};
  CHECK(utimes(at("hard.txt"), tv) == 0);
  CHECK(stat(at("input.txt"), &st) == 0 && st.st_mtim.tv_sec == 1234567890 &&
        st.st_mtim.tv_nsec == 500000000 && st.st_atim.tv_sec == 1000000000);
  struct timespec ts[2] = {{0, UTIME_OMIT}, {42, 0}};
  CHECK(utimensat(AT_FDCWD, at("link.txt"), ts, AT_SYMLINK_NOFOLLOW) == 0);
  CHECK(lstat(at("link.txt"), &lst) == 0 && lst.st_mtim.tv_sec == 42);
  CHECK(stat(at("input.txt"), &st) == 0 && st.st_mtim.tv_sec == 1234567890);
  int fd = open(at("hard.txt"), O_RDWR);
  CHECK(fd >= 0 && futimens(fd, ts) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 42);
  close(fd);
  CHECK(unlink(at("hard.txt")) == 0 && unlink(at("link.txt")) == 0);
  puts("links and times: ok");
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  root = argv[1];
  stdio_files();
  posix_io();
  directories();
  links_and_times();
  CHECK(unlink(at("out.txt")) == 0 && unlink(at("raw.bin")) == 0);
  list(root);
  puts("files: ok");
  return 0;
}
