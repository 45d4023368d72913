/* SPDX-License-Identifier: Apache-2.0 */
/* The metrics registry: the exact Prometheus text of counters, gauges and
   histograms, label escaping, collectors, and counts that stay exact
   under concurrent updates. */
#include <pthread.h>
#include <stdlib.h>

#include "server/metrics.h"
#include "test.h"

static void test_counter_gauge(void) {
  srv_metrics_t *m = srv_metrics_new();
  srv_family_t *c = srv_metrics_family(m, "x_total", "Things.", SRV_COUNTER, "fn,outcome", NULL, 0);
  srv_family_t *g = srv_metrics_family(m, "y_bytes", "Size.", SRV_GAUGE, "", NULL, 0);
  srv_cell_add(srv_family_cell2(c, "a", "ok"), 1);
  srv_cell_add(srv_family_cell2(c, "a", "ok"), 2);
  srv_cell_add(srv_family_cell2(c, "b\"\\\n", "err"), 1);
  srv_cell_set(srv_family_cell0(g), 1.5);
  CHECK(srv_family_cell2(c, "a", "ok") == srv_family_cell2(c, "a", "ok"));
  CHECK(srv_cell_value(srv_family_cell2(c, "a", "ok")) == 3);
  srv_buf_t out = {0};
  srv_metrics_write(m, &out);
  const char *want = "# HELP x_total Things.\n# TYPE x_total counter\n"
                     "x_total{fn=\"a\",outcome=\"ok\"} 3\n"
                     "x_total{fn=\"b\\\"\\\\\\n\",outcome=\"err\"} 1\n"
                     "# HELP y_bytes Size.\n# TYPE y_bytes gauge\ny_bytes 1.5\n";
  CHECK(out.data && strcmp(out.data, want) == 0);
  if (out.data && strcmp(out.data, want) != 0) fprintf(stderr, "got:\n%s", out.data);
  srv_buf_free(&out);
  srv_metrics_delete(m);
}

static void test_histogram(void) {
  srv_metrics_t *m = srv_metrics_new();
  const double b[] = {0.1, 1, 10};
  srv_family_t *h = srv_metrics_family(m, "d_seconds", "Time.", SRV_HISTOGRAM, "fn", b, 3);
  srv_cell_t *c = srv_family_cell1(h, "f");
  srv_cell_observe(c, 0.05);
  srv_cell_observe(c, 0.1); /* le is inclusive */
  srv_cell_observe(c, 5);
  srv_cell_observe(c, 100);
  CHECK(srv_cell_value(c) == 4);
  CHECK(srv_cell_sum(c) == 105.15);
  srv_buf_t out = {0};
  srv_metrics_write(m, &out);
  CHECK_CONTAINS(out.data, "d_seconds_bucket{fn=\"f\",le=\"0.1\"} 2\n");
  CHECK_CONTAINS(out.data, "d_seconds_bucket{fn=\"f\",le=\"1\"} 2\n");
  CHECK_CONTAINS(out.data, "d_seconds_bucket{fn=\"f\",le=\"10\"} 3\n");
  CHECK_CONTAINS(out.data, "d_seconds_bucket{fn=\"f\",le=\"+Inf\"} 4\n");
  CHECK_CONTAINS(out.data, "d_seconds_sum{fn=\"f\"} 105.15\n");
  CHECK_CONTAINS(out.data, "d_seconds_count{fn=\"f\"} 4\n");
  CHECK_CONTAINS(out.data, "# TYPE d_seconds histogram\n");
  srv_buf_free(&out);
  srv_metrics_delete(m);
}

static srv_family_t *collected;
static int generation;

static void collector(void *env) {
  (void)env;
  srv_family_clear(collected);
  generation++;
  srv_cell_set(srv_family_cell1(collected, generation == 1 ? "first" : "second"), generation);
}

static void test_collector(void) {
  srv_metrics_t *m = srv_metrics_new();
  collected = srv_metrics_family(m, "pool", "Pool.", SRV_GAUGE, "fn", NULL, 0);
  srv_metrics_collector(m, collector, NULL);
  srv_buf_t out = {0};
  srv_metrics_write(m, &out);
  CHECK_CONTAINS(out.data, "pool{fn=\"first\"} 1\n");
  srv_buf_clear(&out);
  srv_metrics_write(m, &out);
  CHECK_CONTAINS(out.data, "pool{fn=\"second\"} 2\n");
  CHECK(strstr(out.data, "first") == NULL); /* cleared before refilling */
  srv_buf_free(&out);
  srv_metrics_delete(m);
}

static srv_cell_t *hot, *hist;

static void *hammer(void *arg) {
  (void)arg;
  for (int i = 0; i < 100000; i++) {
    srv_cell_add(hot, 1);
    srv_cell_observe(hist, 0.5);
  }
  return NULL;
}

static void test_concurrent(void) {
  srv_metrics_t *m = srv_metrics_new();
  const double b[] = {1};
  hot = srv_family_cell0(srv_metrics_family(m, "n_total", "N.", SRV_COUNTER, "", NULL, 0));
  hist = srv_family_cell0(srv_metrics_family(m, "h", "H.", SRV_HISTOGRAM, "", b, 1));
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, hammer, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  CHECK(srv_cell_value(hot) == 400000);
  CHECK(srv_cell_value(hist) == 400000);
  CHECK(srv_cell_sum(hist) == 200000);
  srv_buf_t out = {0};
  srv_metrics_write(m, &out);
  CHECK_CONTAINS(out.data, "n_total 400000\n");
  CHECK_CONTAINS(out.data, "h_bucket{le=\"1\"} 400000\n");
  srv_buf_free(&out);
  srv_metrics_delete(m);
}

TEST_MAIN("server_metrics", test_counter_gauge, test_histogram, test_collector, test_concurrent)
