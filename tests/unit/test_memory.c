/* SPDX-License-Identifier: Apache-2.0 */
/*
** Linear memory: reservation, commit, growth and limits. That pages past
** the current size are inaccessible is checked without faulting in this
** process: through /proc/self/maps, and by letting a forked child touch them.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/rt.h"
#include "test.h"

/* Protection string ("rw-p", "---p") of the mapping holding addr, or "" if none. */
static const char *prot_at(const void *addr) {
  static char prot[8];
  prot[0] = 0;
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return prot;
  char line[512];
  uintptr_t a = (uintptr_t)addr;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char p[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) == 3 && a >= lo && a < hi) {
      snprintf(prot, sizeof prot, "%s", p);
      break;
    }
  }
  fclose(f);
  return prot;
}

/* True if a child process that writes to addr dies of a signal (its stderr
   is silenced, since a sanitizer may print a report before dying). */
static int child_crashes_writing(volatile uint8_t *addr) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stderr)) _exit(2);
    *addr = 1;
    _exit(0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return 0;
  return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_init_and_grow(void) {
  wb_memory_t m;
  CHECK(rt_memory_init(&m, 1, 3, true) == NULL);
  CHECK(m.base != NULL);
  CHECK_EQ(m.pages, 1);
  CHECK_EQ(m.max, 3);
  CHECK_EQ(rt_memory_grow(&m, 0), 1);
  CHECK_EQ(rt_memory_grow(&m, 1), 1);
  CHECK_EQ(m.pages, 2);
  CHECK_EQ(rt_memory_grow(&m, 2), -1); /* 4 > max 3: refused, unchanged */
  CHECK_EQ(m.pages, 2);
  CHECK_EQ(rt_memory_grow(&m, 1), 2);
  CHECK_EQ(rt_memory_grow(&m, 1), -1);
  CHECK_EQ(rt_memory_grow(&m, UINT32_MAX), -1);
  /* All committed pages are usable, first and last byte. */
  m.base[0] = 7;
  m.base[3 * RT_PAGE_SIZE - 1] = 9;
  CHECK_EQ(m.base[0] + m.base[3 * RT_PAGE_SIZE - 1], 16);
  rt_memory_release(&m);
  CHECK(m.base == NULL);
}

static void test_no_max(void) {
  wb_memory_t m;
  CHECK(rt_memory_init(&m, 0, 0, false) == NULL);
  CHECK_EQ(m.pages, 0);
  CHECK_EQ(m.max, RT_MAX_PAGES);
  CHECK_EQ(rt_memory_grow(&m, RT_MAX_PAGES + 1), -1);
  CHECK_EQ(rt_memory_grow(&m, 2), 0);
  CHECK_EQ(rt_memory_grow(&m, RT_MAX_PAGES - 1), -1); /* 2 + 65535 > 65536 */
  rt_memory_release(&m);
}

static void test_bad_limits(void) {
  wb_memory_t m;
  wb_error_t *e = rt_memory_init(&m, 2, 1, true);
  CHECK(e != NULL);
  if (e) CHECK_EQ(wb_error_kind(e), WB_ERROR_USAGE);
  wb_error_delete(e);
  e = rt_memory_init(&m, RT_MAX_PAGES + 1, 0, false);
  CHECK(e != NULL);
  if (e) {
    CHECK_EQ(wb_error_kind(e), WB_ERROR_RESOURCE);
    CHECK_CONTAINS(wb_error_message(e), "4 GiB");
  }
  wb_error_delete(e);
  /* A declared max above 4 GiB is clamped, not trusted. */
  CHECK(rt_memory_init(&m, 0, UINT32_MAX, true) == NULL);
  CHECK_EQ(m.max, RT_MAX_PAGES);
  rt_memory_release(&m);
}

static void test_guard_pages(void) {
  wb_memory_t m;
  CHECK(rt_memory_init(&m, 1, 0, false) == NULL);
  CHECK_CONTAINS(prot_at(m.base), "rw");
  CHECK_CONTAINS(prot_at(m.base + RT_PAGE_SIZE), "---");
  CHECK_CONTAINS(prot_at(m.base + RT_MEM_RESERVE - 1), "---");
  CHECK(!child_crashes_writing(m.base + RT_PAGE_SIZE - 1));
  CHECK(child_crashes_writing(m.base + RT_PAGE_SIZE));
  CHECK(child_crashes_writing(m.base + ((size_t)4 << 30)));
  CHECK_EQ(rt_memory_grow(&m, 1), 1);
  CHECK_CONTAINS(prot_at(m.base + RT_PAGE_SIZE), "rw");
  CHECK(!child_crashes_writing(m.base + RT_PAGE_SIZE));
  CHECK(child_crashes_writing(m.base + 2 * RT_PAGE_SIZE));
  rt_memory_release(&m);
}

static void test_public_api(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  CHECK(wb_memory_new(s, 3, 2, true) == NULL);
  wb_memory_t *m = wb_memory_new(s, 1, 4, true);
  CHECK(m != NULL);
  CHECK_EQ(wb_memory_pages(m), 1);
  CHECK_EQ(wb_memory_data_size(m), RT_PAGE_SIZE);
  uint8_t *data = wb_memory_data(m);
  data[100] = 42;
  uint32_t old = 0;
  CHECK(wb_memory_grow(m, 2, &old));
  CHECK_EQ(old, 1);
  CHECK(wb_memory_data(m) == data); /* base never moves */
  CHECK_EQ(data[100], 42);
  CHECK(!wb_memory_grow(m, 2, &old));
  CHECK_EQ(wb_memory_pages(m), 3);
  uint32_t min = 0, max = 0;
  bool has_max = false;
  wb_memory_limits(m, &min, &max, &has_max);
  CHECK_EQ(min, 3);
  CHECK_EQ(max, 4);
  CHECK(has_max);
  wb_memory_t *u = wb_memory_new(s, 0, 0, false);
  wb_memory_limits(u, &min, &max, &has_max);
  CHECK_EQ(min, 0);
  CHECK(!has_max);
  CHECK_EQ(wb_memory_data_size(u), 0);
  /* Freed, with its reservation, by the store. */
  wb_store_delete(s);
  wb_engine_delete(e);
}

TEST_MAIN("unit_memory", test_init_and_grow, test_no_max, test_bad_limits, test_guard_pages,
          test_public_api)
