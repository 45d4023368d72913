/* SPDX-License-Identifier: Apache-2.0 */
/*
** A small HTTP/1.1 load client for the daemon's end-to-end test: N threads,
** each with one keep-alive connection, send GET PATH until DURATION_MS have
** passed (or until STOP_FILE exists), and count responses by status. A
** connection the server closes is reopened; a failure to connect, a
** malformed response or a connection closed mid-response counts as status
** 0 (a failed request).
**
**   server_client HOST PORT PATH CONNECTIONS DURATION_MS [STOP_FILE]
**
** Prints "total=N ok=N failed=N" and one "status S: N" line per status;
** exits 0 if every request got a 2xx answer.
*/
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *host, *path, *stop_file;
static int port;
static long duration_ms;
static atomic_long counts[600];

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, host, &sa.sin_addr);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* A response read from fd into buf: its status, and whether the server
   will close. Returns the status, or 0 on any failure. */
static int read_response(int fd, char *buf, size_t size, bool *closing) {
  size_t have = 0;
  char *end = NULL;
  while (!end) {
    if (have + 1 >= size) return 0;
    ssize_t n = read(fd, buf + have, size - 1 - have);
    if (n <= 0) return 0;
    have += (size_t)n;
    buf[have] = 0;
    end = strstr(buf, "\r\n\r\n");
  }
  int status = 0;
  if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) return 0;
  const char *cl = strcasestr(buf, "\r\nContent-Length:");
  long body = cl ? strtol(cl + 17, NULL, 10) : 0;
  *closing = strcasestr(buf, "\r\nConnection: close") != NULL;
  long left = body - (long)(have - (size_t)(end + 4 - buf));
  while (left > 0) { /* the rest of the body, discarded */
    ssize_t n = read(fd, buf, (size_t)left < size ? (size_t)left : size);
    if (n <= 0) return 0;
    left -= n;
  }
  return status;
}

static bool stopped(long until) {
  struct stat st;
  if (stop_file) return stat(stop_file, &st) == 0;
  return now_ms() >= until;
}

static void *worker(void *arg) {
  (void)arg;
  char req[512], buf[65536];
  int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", path, host, port);
  long until = now_ms() + duration_ms;
  int fd = -1;
  while (!stopped(until)) {
    if (fd < 0 && (fd = dial()) < 0) {
      atomic_fetch_add(&counts[0], 1);
      usleep(1000);
      continue;
    }
    bool closing = false;
    int status =
        write(fd, req, (size_t)len) == len ? read_response(fd, buf, sizeof buf, &closing) : 0;
    atomic_fetch_add(&counts[status >= 0 && status < 600 ? status : 0], 1);
    if (closing || status == 0) {
      close(fd);
      fd = -1;
    }
  }
  if (fd >= 0) close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s HOST PORT PATH CONNECTIONS DURATION_MS [STOP_FILE]\n", argv[0]);
    return 2;
  }
  host = argv[1];
  port = atoi(argv[2]);
  path = argv[3];
  int n = atoi(argv[4]);
  duration_ms = atol(argv[5]);
  stop_file = argc > 6 ? argv[6] : NULL;
  pthread_t t[64];
  if (n < 1 || n > 64) n = 1;
  for (int i = 0; i < n; i++)
    pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < n; i++)
    pthread_join(t[i], NULL);
  long total = 0, ok = 0;
  for (int s = 0; s < 600; s++) {
    long c = atomic_load(&counts[s]);
    total += c;
    if (s >= 200 && s < 300) ok += c;
  }
  printf("total=%ld ok=%ld failed=%ld\n", total, ok, total - ok);
  for (int s = 0; s < 600; s++)
    if (atomic_load(&counts[s])) printf("status %d: %ld\n", s, atomic_load(&counts[s]));
  return total > 0 && ok == total ? 0 : 1;
}
