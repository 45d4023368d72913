/* SPDX-License-Identifier: Apache-2.0 */
/*
** Assertions for the WASI test programs (compiled to wasm32-wasi). A
** failed check prints one FAIL line on stdout and exits with status 1, so
** the runner sees it both in the output and in the status.
*/
#ifndef WASI_TEST_CHECK_H
#define WASI_TEST_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      printf("FAIL %s:%d: %s (errno %d)\n", __FILE__, __LINE__, #cond, errno);   \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* expr must return -1 (or NULL, as a long 0 when is_ptr) with errno want. */
#define CHECK_ERRNO(expr, want)                                                  \
  do {                                                                           \
    errno = 0;                                                                   \
    long r_ = (long)(expr);                                                      \
    if (r_ != -1 || errno != (want)) {                                           \
      printf("FAIL %s:%d: %s gave %ld errno %d, want errno %d\n", __FILE__,      \
             __LINE__, #expr, r_, errno, (int)(want));                           \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

#define CHECK_NULL_ERRNO(expr, want)                                             \
  do {                                                                           \
    errno = 0;                                                                   \
    void *p_ = (void *)(expr);                                                   \
    if (p_ != NULL || errno != (want)) {                                         \
      printf("FAIL %s:%d: %s gave %p errno %d, want errno %d\n", __FILE__,       \
             __LINE__, #expr, p_, errno, (int)(want));                           \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

/* A raw WASI call must return errno want (WASI numbering). */
#define CHECK_WASI(call, want)                                                   \
  do {                                                                           \
    __wasi_errno_t e_ = (call);                                                  \
    if (e_ != (want)) {                                                          \
      printf("FAIL %s:%d: %s gave %d, want %d\n", __FILE__, __LINE__, #call,     \
             (int)e_, (int)(want));                                              \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

#endif
