// SPDX-License-Identifier: Apache-2.0
// A WASI function in C, CGI style (as Wagi runs them): the request is in
// environment variables and stdin, the response is headers, a blank line
// and the body on stdout.
//   GET  /greet?name=Ada      -> Hello, Ada! (from a WASI module)
//   POST /greet  (a body)     -> the body's length and its first line
//   GET  /greet/env           -> the CGI variables the module received
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

// The value of key in a query string such as "name=Ada&x=1" (no decoding).
static void query_value(const char *query, const char *key, char *out, size_t size) {
  size_t klen = strlen(key);
  out[0] = 0;
  for (const char *p = query; p && *p;) {
    if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
      size_t n = strcspn(p + klen + 1, "&");
      snprintf(out, size, "%.*s", (int)n, p + klen + 1);
      return;
    }
    p = strchr(p, '&');
    if (p) p++;
  }
}

static int show_env(void) {
  printf("Content-Type: text/plain\n\n");
  for (char **e = environ; *e; e++)
    printf("%s\n", *e);
  return 0;
}

static int echo_body(void) {
  char line[256] = "";
  size_t total = 0, n;
  char chunk[4096];
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
    if (total == 0) snprintf(line, sizeof line, "%.*s", (int)strcspn(chunk, "\n"), chunk);
    total += n;
  }
  printf("Content-Type: text/plain\n\nreceived %zu bytes; first line: %s\n", total, line);
  return 0;
}

int main(void) {
  const char *method = getenv("REQUEST_METHOD");
  const char *path = getenv("PATH_INFO");
  if (path && strcmp(path, "/env") == 0) return show_env();
  if (method && strcmp(method, "POST") == 0) return echo_body();
  char name[64];
  query_value(getenv("QUERY_STRING"), "name", name, sizeof name);
  printf("Content-Type: text/plain; charset=utf-8\n\nHello, %s! (from a WASI module)\n",
         name[0] ? name : "stranger");
  return 0;
}
