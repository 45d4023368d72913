/* SPDX-License-Identifier: Apache-2.0 */
/*
** A minimal unit-test harness: CHECK* macros count and report failures with
** file:line, and TEST_MAIN runs the listed tests and prints the closing line
** "<name>: N passed, M failed" that CI reads. Exit status is 1 on failure.
*/
#ifndef WB_TEST_H
#define WB_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (cond) {                                                          \
      test_passed++;                                                     \
    } else {                                                             \
      test_failed++;                                                     \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                    \
  } while (0)

#define CHECK_EQ(a, b)                                                   \
  do {                                                                   \
    long long va_ = (long long)(a), vb_ = (long long)(b);                \
    if (va_ == vb_) {                                                    \
      test_passed++;                                                     \
    } else {                                                             \
      test_failed++;                                                     \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, \
              va_, vb_);                                                 \
    }                                                                    \
  } while (0)

/* Checks that string s contains sub (s may be NULL, which fails). */
#define CHECK_CONTAINS(s, sub)                                           \
  do {                                                                   \
    const char *vs_ = (s);                                               \
    if (vs_ && strstr(vs_, (sub))) {                                     \
      test_passed++;                                                     \
    } else {                                                             \
      test_failed++;                                                     \
      fprintf(stderr, "%s:%d: expected \"%s\" in \"%s\"\n", __FILE__, __LINE__, (sub), \
              vs_ ? vs_ : "(null)");                                     \
    }                                                                    \
  } while (0)

#define TEST_MAIN(name, ...)                                             \
  int main(void) {                                                       \
    void (*tests_[])(void) = {__VA_ARGS__};                              \
    for (size_t i_ = 0; i_ < sizeof tests_ / sizeof tests_[0]; i_++) tests_[i_](); \
    printf("%s: %d passed, %d failed\n", name, test_passed, test_failed); \
    return test_failed ? 1 : 0;                                          \
  }

#endif
