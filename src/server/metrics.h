/* SPDX-License-Identifier: Apache-2.0 */
/*
** The metrics registry and its Prometheus text writer (prefix
** srv_metrics, srv_family, srv_cell).
**
** A family is one metric name with its help text, type and label names; a
** cell is one labelled time series of it, made on first use and kept (its
** pointer stays valid) for the registry's life. The hot path caches cell
** pointers and updates them with atomics only: no lock, no lookup.
**
** Values that are read rather than counted (pool sizes, resident memory)
** come from collectors: callbacks run before every scrape, which clear
** their families and set them afresh, so a deleted function's gauges
** disappear. Output is the text exposition format 0.0.4:
**
**   # HELP wasmbox_invocations_total Function invocations by outcome.
**   # TYPE wasmbox_invocations_total counter
**   wasmbox_invocations_total{function="hello",outcome="ok"} 12
*/
#ifndef WB_SERVER_METRICS_H
#define WB_SERVER_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "server/buf.h"

typedef enum srv_metric_type {
  SRV_COUNTER,
  SRV_GAUGE,
  SRV_HISTOGRAM,
} srv_metric_type_t;

typedef struct srv_metrics srv_metrics_t;
typedef struct srv_family srv_family_t;
typedef struct srv_cell srv_cell_t;

#define SRV_LABELS_MAX 4

srv_metrics_t *srv_metrics_new(void);
/* Frees the registry, its families and cells. */
void srv_metrics_delete(srv_metrics_t *m);

/* Registers a family. name and help must be static strings (kept, not
   copied); labels is a comma-separated list of label names ("" for none,
   at most SRV_LABELS_MAX). Histograms take their upper bounds, ascending
   (copied); others pass NULL, 0. The family is owned by the registry. */
srv_family_t *srv_metrics_family(srv_metrics_t *m, const char *name, const char *help,
                                 srv_metric_type_t type, const char *labels, const double *bounds,
                                 size_t nbounds);

/* The cell of the family with these label values (as many as the family
   has labels; copied), made on first use. Thread-safe; the pointer stays
   valid until the registry is deleted or, for collector families, until
   the next srv_family_clear. */
srv_cell_t *srv_family_cell(srv_family_t *f, const char *const *values);
/* Shorthands for families of zero, one and two labels. */
srv_cell_t *srv_family_cell0(srv_family_t *f);
srv_cell_t *srv_family_cell1(srv_family_t *f, const char *v0);
srv_cell_t *srv_family_cell2(srv_family_t *f, const char *v0, const char *v1);

/* Counters: adds v (>= 0). Gauges: sets v. Histograms: records v. All
   lock-free and thread-safe. */
void srv_cell_add(srv_cell_t *c, double v);
void srv_cell_set(srv_cell_t *c, double v);
void srv_cell_observe(srv_cell_t *c, double v);
/* Counter or gauge value; for a histogram, the number of observations. */
double srv_cell_value(const srv_cell_t *c);
/* Histogram: the sum of the observations. */
double srv_cell_sum(const srv_cell_t *c);

/* Removes every cell of a family (collectors call it before refilling). */
void srv_family_clear(srv_family_t *f);

/* A callback run (under the scrape lock) before each write. */
typedef void (*srv_collector_t)(void *env);
void srv_metrics_collector(srv_metrics_t *m, srv_collector_t fn, void *env);

/* Runs the collectors, then appends every family in registration order as
   Prometheus text to out. Thread-safe (scrapes are serialised). */
void srv_metrics_write(srv_metrics_t *m, srv_buf_t *out);

/* The standard latency buckets, in seconds, from 25 us to 10 s. */
extern const double srv_latency_bounds[];
extern const size_t srv_latency_nbounds;

#endif
