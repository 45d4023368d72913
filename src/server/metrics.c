/* SPDX-License-Identifier: Apache-2.0 */
#include "server/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const double srv_latency_bounds[] = {0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                     0.0025,   0.005,   0.01,   0.025,   0.05,   0.1,
                                     0.25,     0.5,     1,      2.5,     5,      10};
const size_t srv_latency_nbounds = sizeof srv_latency_bounds / sizeof srv_latency_bounds[0];

/* Doubles kept as their bits in an atomic word: loads and stores are
   plain atomics, additions a compare-and-swap loop. */
typedef atomic_uint_fast64_t srv_atomic_double;

static double ad_load(const srv_atomic_double *a) {
  uint64_t bits = atomic_load_explicit(a, memory_order_relaxed);
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static void ad_store(srv_atomic_double *a, double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof d);
  atomic_store_explicit(a, bits, memory_order_relaxed);
}

static void ad_add(srv_atomic_double *a, double v) {
  uint64_t old = atomic_load_explicit(a, memory_order_relaxed), next;
  do {
    double d;
    memcpy(&d, &old, sizeof d);
    d += v;
    memcpy(&next, &d, sizeof d);
  } while (!atomic_compare_exchange_weak_explicit(a, &old, next, memory_order_relaxed,
                                                  memory_order_relaxed));
}

struct srv_cell {
  char *values[SRV_LABELS_MAX];
  srv_atomic_double value;       /* counter or gauge; histogram: sum */
  atomic_uint_fast64_t count;    /* histogram observations */
  atomic_uint_fast64_t *buckets; /* histogram: per bound, not cumulative */
  const srv_family_t *family;
  struct srv_cell *next;
};

struct srv_family {
  const char *name, *help;
  srv_metric_type_t type;
  char *label_names[SRV_LABELS_MAX];
  size_t nlabels;
  double *bounds;
  size_t nbounds;
  pthread_mutex_t lock; /* guards the cell list */
  srv_cell_t *cells, **tail;
  struct srv_family *next;
};

typedef struct collector {
  srv_collector_t fn;
  void *env;
} collector_t;

struct srv_metrics {
  pthread_mutex_t lock; /* families list, collectors, scrapes */
  srv_family_t *families, **tail;
  collector_t *collectors;
  size_t ncollectors;
};

srv_metrics_t *srv_metrics_new(void) {
  srv_metrics_t *m = srv_calloc(1, sizeof *m);
  pthread_mutex_init(&m->lock, NULL);
  m->tail = &m->families;
  return m;
}

static void cell_free(srv_cell_t *c, size_t nlabels) {
  for (size_t i = 0; i < nlabels; i++)
    free(c->values[i]);
  free(c->buckets);
  free(c);
}

static void family_free(srv_family_t *f) {
  srv_family_clear(f);
  for (size_t i = 0; i < f->nlabels; i++)
    free(f->label_names[i]);
  free(f->bounds);
  pthread_mutex_destroy(&f->lock);
  free(f);
}

void srv_metrics_delete(srv_metrics_t *m) {
  if (!m) return;
  for (srv_family_t *f = m->families, *next; f; f = next) {
    next = f->next;
    family_free(f);
  }
  free(m->collectors);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

/* Splits "a,b" into the family's label names. */
static void split_labels(srv_family_t *f, const char *labels) {
  for (const char *p = labels; *p && f->nlabels < SRV_LABELS_MAX;) {
    size_t n = strcspn(p, ",");
    f->label_names[f->nlabels++] = srv_strndup(p, n);
    p += n;
    if (*p == ',') p++;
  }
}

srv_family_t *srv_metrics_family(srv_metrics_t *m, const char *name, const char *help,
                                 srv_metric_type_t type, const char *labels, const double *bounds,
                                 size_t nbounds) {
  srv_family_t *f = srv_calloc(1, sizeof *f);
  f->name = name;
  f->help = help;
  f->type = type;
  split_labels(f, labels ? labels : "");
  if (type == SRV_HISTOGRAM) {
    f->bounds = srv_malloc(nbounds * sizeof *f->bounds);
    memcpy(f->bounds, bounds, nbounds * sizeof *f->bounds);
    f->nbounds = nbounds;
  }
  pthread_mutex_init(&f->lock, NULL);
  f->tail = &f->cells;
  pthread_mutex_lock(&m->lock);
  *m->tail = f;
  m->tail = &f->next;
  pthread_mutex_unlock(&m->lock);
  return f;
}

/* Under the family lock: the cell with these values, or NULL. */
static srv_cell_t *find_cell(srv_family_t *f, const char *const *values) {
  for (srv_cell_t *c = f->cells; c; c = c->next) {
    size_t i = 0;
    while (i < f->nlabels && strcmp(c->values[i], values[i]) == 0)
      i++;
    if (i == f->nlabels) return c;
  }
  return NULL;
}

srv_cell_t *srv_family_cell(srv_family_t *f, const char *const *values) {
  pthread_mutex_lock(&f->lock);
  srv_cell_t *c = find_cell(f, values);
  if (!c) {
    c = srv_calloc(1, sizeof *c);
    c->family = f;
    for (size_t i = 0; i < f->nlabels; i++)
      c->values[i] = srv_strdup(values[i]);
    if (f->type == SRV_HISTOGRAM) c->buckets = srv_calloc(f->nbounds, sizeof *c->buckets);
    *f->tail = c;
    f->tail = &c->next;
  }
  pthread_mutex_unlock(&f->lock);
  return c;
}

srv_cell_t *srv_family_cell0(srv_family_t *f) { return srv_family_cell(f, NULL); }

srv_cell_t *srv_family_cell1(srv_family_t *f, const char *v0) {
  const char *v[1] = {v0};
  return srv_family_cell(f, v);
}

srv_cell_t *srv_family_cell2(srv_family_t *f, const char *v0, const char *v1) {
  const char *v[2] = {v0, v1};
  return srv_family_cell(f, v);
}

void srv_family_clear(srv_family_t *f) {
  pthread_mutex_lock(&f->lock);
  for (srv_cell_t *c = f->cells, *next; c; c = next) {
    next = c->next;
    cell_free(c, f->nlabels);
  }
  f->cells = NULL;
  f->tail = &f->cells;
  pthread_mutex_unlock(&f->lock);
}

void srv_cell_add(srv_cell_t *c, double v) { ad_add(&c->value, v); }
void srv_cell_set(srv_cell_t *c, double v) { ad_store(&c->value, v); }

void srv_cell_observe(srv_cell_t *c, double v) {
  const srv_family_t *f = c->family;
  /* Few bounds: a linear scan beats a binary search's branches. */
  size_t i = 0;
  while (i < f->nbounds && v > f->bounds[i])
    i++;
  if (i < f->nbounds) atomic_fetch_add_explicit(&c->buckets[i], 1, memory_order_relaxed);
  ad_add(&c->value, v);
  atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
}

double srv_cell_value(const srv_cell_t *c) {
  if (c->family->type == SRV_HISTOGRAM)
    return (double)atomic_load_explicit(&c->count, memory_order_relaxed);
  return ad_load(&c->value);
}

double srv_cell_sum(const srv_cell_t *c) { return ad_load(&c->value); }

void srv_metrics_collector(srv_metrics_t *m, srv_collector_t fn, void *env) {
  pthread_mutex_lock(&m->lock);
  m->collectors = srv_realloc(m->collectors, (m->ncollectors + 1) * sizeof *m->collectors);
  m->collectors[m->ncollectors++] = (collector_t){fn, env};
  pthread_mutex_unlock(&m->lock);
}

/* {====================== The text format ======================} */

/* The shortest of %.15g, %.16g, %.17g that reads back as v. */
static const char *shortest(double v, char text[32]) {
  for (int prec = 15; prec < 17; prec++) {
    snprintf(text, 32, "%.*g", prec, v);
    if (strtod(text, NULL) == v) return text;
  }
  snprintf(text, 32, "%.17g", v);
  return text;
}

/* A sample value: integers exactly, others in the shortest round trip. */
static void write_number(srv_buf_t *out, double v) {
  char text[32];
  if (isnan(v))
    srv_buf_adds(out, "NaN");
  else if (isinf(v))
    srv_buf_adds(out, v > 0 ? "+Inf" : "-Inf");
  else if (v == floor(v) && fabs(v) < 9007199254740992.0)
    srv_buf_printf(out, "%.0f", v);
  else
    srv_buf_printf(out, "%s", shortest(v, text));
}

/* Label values escape backslash, double quote and newline. */
static void write_label_value(srv_buf_t *out, const char *s) {
  for (; *s; s++) {
    if (*s == '\\')
      srv_buf_adds(out, "\\\\");
    else if (*s == '"')
      srv_buf_adds(out, "\\\"");
    else if (*s == '\n')
      srv_buf_adds(out, "\\n");
    else
      srv_buf_addc(out, *s);
  }
}

/* name{labels[,le="bound"]} with suffix appended to the name. */
static void write_series(srv_buf_t *out, const srv_family_t *f, const srv_cell_t *c,
                         const char *suffix, const char *le) {
  srv_buf_adds(out, f->name);
  srv_buf_adds(out, suffix);
  if (!f->nlabels && !le) {
    srv_buf_addc(out, ' ');
    return;
  }
  srv_buf_addc(out, '{');
  for (size_t i = 0; i < f->nlabels; i++) {
    srv_buf_printf(out, "%s%s=\"", i ? "," : "", f->label_names[i]);
    write_label_value(out, c->values[i]);
    srv_buf_addc(out, '"');
  }
  if (le) srv_buf_printf(out, "%sle=\"%s\"", f->nlabels ? "," : "", le);
  srv_buf_adds(out, "} ");
}

static void write_histogram(srv_buf_t *out, const srv_family_t *f, const srv_cell_t *c) {
  uint64_t cumulative = 0;
  char le[32];
  for (size_t i = 0; i < f->nbounds; i++) {
    cumulative += atomic_load_explicit(&c->buckets[i], memory_order_relaxed);
    snprintf(le, sizeof le, "%g", f->bounds[i]);
    write_series(out, f, c, "_bucket", le);
    srv_buf_printf(out, "%llu\n", (unsigned long long)cumulative);
  }
  /* Read count after the buckets: +Inf is never below a finite bucket. */
  uint64_t count = atomic_load_explicit(&c->count, memory_order_relaxed);
  if (count < cumulative) count = cumulative;
  write_series(out, f, c, "_bucket", "+Inf");
  srv_buf_printf(out, "%llu\n", (unsigned long long)count);
  write_series(out, f, c, "_sum", NULL);
  write_number(out, ad_load(&c->value));
  srv_buf_addc(out, '\n');
  write_series(out, f, c, "_count", NULL);
  srv_buf_printf(out, "%llu\n", (unsigned long long)count);
}

static const char *type_name(srv_metric_type_t t) {
  return t == SRV_COUNTER ? "counter" : t == SRV_GAUGE ? "gauge" : "histogram";
}

static void write_family(srv_buf_t *out, srv_family_t *f) {
  srv_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name,
                 type_name(f->type));
  pthread_mutex_lock(&f->lock);
  for (const srv_cell_t *c = f->cells; c; c = c->next) {
    if (f->type == SRV_HISTOGRAM) {
      write_histogram(out, f, c);
      continue;
    }
    write_series(out, f, c, "", NULL);
    write_number(out, ad_load(&c->value));
    srv_buf_addc(out, '\n');
  }
  pthread_mutex_unlock(&f->lock);
}

void srv_metrics_write(srv_metrics_t *m, srv_buf_t *out) {
  pthread_mutex_lock(&m->lock);
  for (size_t i = 0; i < m->ncollectors; i++)
    m->collectors[i].fn(m->collectors[i].env);
  for (srv_family_t *f = m->families; f; f = f->next)
    write_family(out, f);
  pthread_mutex_unlock(&m->lock);
}
