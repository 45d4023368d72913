/* SPDX-License-Identifier: Apache-2.0 */
#include "server/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {====================== Sizes and durations ======================} */

typedef struct unit {
  const char *suffix;
  uint64_t scale;
} unit_t;

/* The same units as the command line's --max-memory and --timeout. */
static const unit_t size_units[] = {
    {"", 1},           {"K", 1u << 10},   {"KiB", 1u << 10},   {"M", 1u << 20},
    {"MiB", 1u << 20}, {"G", 1ull << 30}, {"GiB", 1ull << 30}, {NULL, 0}};
static const unit_t time_units[] = {{"ns", 1},
                                    {"us", 1000},
                                    {"ms", 1000000},
                                    {"s", 1000000000ull},
                                    {"", 1000000000ull},
                                    {"min", 60000000000ull},
                                    {"h", 3600000000000ull},
                                    {NULL, 0}};

static bool parse_scaled(const char *text, const unit_t *units, uint64_t *out) {
  if (*text < '0' || *text > '9') return false;
  errno = 0;
  char *end;
  unsigned long long n = strtoull(text, &end, 10);
  if (errno) return false;
  for (const unit_t *u = units; u->suffix; u++) {
    if (strcmp(end, u->suffix) != 0) continue;
    if (n > UINT64_MAX / u->scale) return false;
    *out = n * u->scale;
    return true;
  }
  return false;
}

bool srv_parse_size(const char *text, uint64_t *bytes) {
  return parse_scaled(text, size_units, bytes);
}

bool srv_parse_duration(const char *text, uint64_t *ns) {
  return parse_scaled(text, time_units, ns);
}

/* {====================== The settings table ======================} */

typedef enum { K_SIZE, K_DURATION, K_COUNT } kind_t;

/* One numeric setting: where it lives and its range. */
typedef struct setting {
  const char *key;
  kind_t kind;
  size_t offset;
  uint64_t min, max;
} setting_t;

#define AT(field) offsetof(srv_config_t, field)
static const setting_t settings[] = {
    {"max_memory", K_SIZE, AT(max_memory), 64u << 10, 4ull << 30},
    {"timeout", K_DURATION, AT(timeout_ns), 1000000, 3600000000000ull},
    {"max_instances", K_COUNT, AT(max_instances), 0, 4096},
    {"queue", K_COUNT, AT(queue), 0, 1000000},
    {"max_body", K_SIZE, AT(max_body), 0, 1ull << 30},
    {"max_output", K_SIZE, AT(max_output), 1024, 1ull << 30},
};
#undef AT

static const setting_t *setting_find(const char *key) {
  for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
    if (strcmp(settings[i].key, key) == 0) return &settings[i];
  return NULL;
}

static void store(srv_config_t *c, const setting_t *s, uint64_t v) {
  char *at = (char *)c + s->offset;
  if (s->kind == K_COUNT)
    *(uint32_t *)(void *)at = (uint32_t)v;
  else
    *(uint64_t *)(void *)at = v;
}

static uint64_t load(const srv_config_t *c, const setting_t *s) {
  const char *at = (const char *)c + s->offset;
  return s->kind == K_COUNT ? *(const uint32_t *)(const void *)at
                            : *(const uint64_t *)(const void *)at;
}

static char *errorf(const char *key, const char *what) {
  size_t n = strlen(key) + strlen(what) + 16;
  char *e = srv_malloc(n);
  snprintf(e, n, "\"%s\": %s", key, what);
  return e;
}

static const char *expected(const setting_t *s) {
  return s->kind == K_SIZE       ? "expected a size such as 32M, 64KiB or 1048576 (bytes)"
         : s->kind == K_DURATION ? "expected a duration such as 250ms, 5s or 2 (seconds)"
                                 : "expected a whole number";
}

/* Checks the range and stores. */
static int set_checked(srv_config_t *c, const setting_t *s, uint64_t v, char **error) {
  if (v < s->min || v > s->max) {
    char what[96];
    snprintf(what, sizeof what, "out of range (%llu to %llu%s)", (unsigned long long)s->min,
             (unsigned long long)s->max, s->kind == K_DURATION ? " ns" : "");
    *error = errorf(s->key, what);
    return -1;
  }
  store(c, s, v);
  return 0;
}

static bool parse_text(const setting_t *s, const char *text, uint64_t *v) {
  if (s->kind == K_SIZE) return srv_parse_size(text, v);
  if (s->kind == K_DURATION) return srv_parse_duration(text, v);
  return parse_scaled(text, size_units, v) && strspn(text, "0123456789") == strlen(text);
}

int srv_config_set(srv_config_t *c, const char *key, const char *value, char **error) {
  const setting_t *s = setting_find(key);
  if (!s) return 1;
  uint64_t v;
  if (!parse_text(s, value, &v)) {
    *error = errorf(key, expected(s));
    return -1;
  }
  return set_checked(c, s, v, error);
}

/* A JSON number: bytes, seconds (fractions allowed) or a count. */
static bool from_number(const setting_t *s, double d, uint64_t *v) {
  double scaled = s->kind == K_DURATION ? d * 1e9 : d;
  if (!(scaled >= 0) || scaled > 1.8e19) return false;
  if (s->kind != K_DURATION && floor(d) != d) return false;
  *v = (uint64_t)llround(scaled);
  return true;
}

/* "env": an object of strings with valid variable names. */
static int apply_env(srv_config_t *c, const cJSON *env, char **error) {
  if (!cJSON_IsObject(env)) {
    *error = errorf("env", "expected an object of strings");
    return -1;
  }
  for (const cJSON *e = env->child; e; e = e->next) {
    const char *n = e->string;
    bool ok =
        n[0] && !(n[0] >= '0' && n[0] <= '9') &&
        strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == strlen(n);
    if (!ok || !cJSON_IsString(e)) {
      *error = errorf("env", ok ? "values must be strings" : "names are letters, digits and _");
      return -1;
    }
    srv_strv_setenv(&c->env, n, e->valuestring);
  }
  return 0;
}

static int apply_item(srv_config_t *c, const cJSON *item, char **error) {
  if (strcmp(item->string, "env") == 0) return apply_env(c, item, error);
  const setting_t *s = setting_find(item->string);
  if (!s) {
    *error = errorf(item->string, "unknown setting");
    return -1;
  }
  uint64_t v;
  bool ok = cJSON_IsNumber(item)   ? from_number(s, item->valuedouble, &v)
            : cJSON_IsString(item) ? parse_text(s, item->valuestring, &v)
                                   : false;
  if (!ok) {
    *error = errorf(s->key, expected(s));
    return -1;
  }
  return set_checked(c, s, v, error);
}

int srv_config_json(srv_config_t *c, const char *text, size_t len, char **error) {
  cJSON *root = cJSON_ParseWithLength(text, len);
  if (!root || !cJSON_IsObject(root)) {
    cJSON_Delete(root);
    *error = srv_strdup("not a JSON object");
    return -1;
  }
  int rc = 0;
  for (const cJSON *item = root->child; item && rc == 0; item = item->next)
    rc = apply_item(c, item, error);
  cJSON_Delete(root);
  return rc;
}

/* {====================== Life cycle and output ======================} */

void srv_config_defaults(srv_config_t *c) {
  *c = (srv_config_t){.max_memory = SRV_DEFAULT_MAX_MEMORY,
                      .timeout_ns = SRV_DEFAULT_TIMEOUT_NS,
                      .queue = SRV_DEFAULT_QUEUE,
                      .max_body = SRV_DEFAULT_MAX_BODY,
                      .max_output = SRV_DEFAULT_MAX_OUTPUT};
}

void srv_config_copy(srv_config_t *dst, const srv_config_t *src) {
  *dst = *src;
  dst->env = (srv_strv_t){0};
  srv_strv_copy(&dst->env, &src->env);
}

void srv_config_free(srv_config_t *c) { srv_strv_free(&c->env); }

void srv_config_write_json(const srv_config_t *c, srv_buf_t *out) {
  srv_buf_addc(out, '{');
  for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
    const setting_t *s = &settings[i];
    uint64_t v = load(c, s);
    if (s->kind == K_DURATION)
      srv_buf_printf(out, "\"%s\":%.9g,", s->key, (double)v / 1e9);
    else
      srv_buf_printf(out, "\"%s\":%llu,", s->key, (unsigned long long)v);
  }
  srv_buf_adds(out, "\"env\":{");
  for (size_t i = 0; i < c->env.n; i++) {
    const char *e = c->env.v[i], *eq = strchr(e, '=');
    if (i) srv_buf_addc(out, ',');
    srv_buf_json_str(out, e, (size_t)(eq - e));
    srv_buf_addc(out, ':');
    srv_buf_json_str(out, eq + 1, strlen(eq + 1));
  }
  srv_buf_adds(out, "}}");
}
