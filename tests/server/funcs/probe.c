// SPDX-License-Identifier: Apache-2.0
// The daemon test's Swiss army knife, a CGI program whose PATH_INFO says
// what to do:
//   /env[/...]        the CGI variables, NAME=VALUE per line
//   /echo             the body back, with the request's Content-Type
//   /status?code=N    Status: N
//   /redirect         Location: /elsewhere (so 302)
//   /big?bytes=N      N bytes of body
//   /exit?code=N      headers, then exit(N)
//   /garbage          output that is not CGI (no blank line)
//   /stderr           a line on stderr, then exit(1)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static long query_number(const char *key, long fallback) {
  const char *q = getenv("QUERY_STRING");
  size_t klen = strlen(key);
  for (const char *p = q; p && *p;) {
    if (strncmp(p, key, klen) == 0 && p[klen] == '=') return strtol(p + klen + 1, NULL, 10);
    p = strchr(p, '&');
    if (p) p++;
  }
  return fallback;
}

static int echo(void) {
  const char *ct = getenv("CONTENT_TYPE");
  printf("Content-Type: %s\nX-Body-Length: %s\n\n", ct && *ct ? ct : "application/octet-stream",
         getenv("CONTENT_LENGTH"));
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    fwrite(buf, 1, n, stdout);
  return 0;
}

static int big(void) {
  long n = query_number("bytes", 0);
  printf("Content-Type: application/octet-stream\n\n");
  for (long i = 0; i < n; i++)
    putchar('x');
  return 0;
}

int main(void) {
  const char *p = getenv("PATH_INFO");
  if (!p) p = "";
  if (strncmp(p, "/env", 4) == 0) {
    printf("Content-Type: text/plain\n\n");
    for (char **e = environ; *e; e++)
      printf("%s\n", *e);
    return 0;
  }
  if (strcmp(p, "/echo") == 0) return echo();
  if (strcmp(p, "/status") == 0) {
    printf("Status: %ld Custom\nContent-Type: text/plain\n\nstatus\n", query_number("code", 200));
    return 0;
  }
  if (strcmp(p, "/redirect") == 0) {
    printf("Location: /elsewhere\n\n");
    return 0;
  }
  if (strcmp(p, "/big") == 0) return big();
  if (strcmp(p, "/exit") == 0) {
    printf("Content-Type: text/plain\n\nexiting\n");
    fflush(stdout);
    exit((int)query_number("code", 0));
  }
  if (strcmp(p, "/garbage") == 0) {
    printf("this is not a CGI response\n");
    return 0;
  }
  if (strcmp(p, "/stderr") == 0) {
    fprintf(stderr, "probe: something went wrong\n");
    return 1;
  }
  printf("Content-Type: text/plain\n\nprobe %s\n", p);
  return 0;
}
