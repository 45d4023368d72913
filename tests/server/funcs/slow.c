// SPDX-License-Identifier: Apache-2.0
// Answers after ?ms=N milliseconds of waiting (default 1000), spinning on
// the monotonic clock: the drain and busy tests keep a request in flight.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void) {
  const char *q = getenv("QUERY_STRING");
  long ms = q && strncmp(q, "ms=", 3) == 0 ? strtol(q + 3, NULL, 10) : 1000;
  long until = now_ms() + ms;
  while (now_ms() < until) {
  }
  printf("Content-Type: text/plain\n\nslept %ld ms\n", ms);
  return 0;
}
