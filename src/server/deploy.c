/* SPDX-License-Identifier: Apache-2.0 */
/*
** Deploys, removals and listings: from the functions directory at start,
** and from the admin API. Deploys run one at a time (deploy_lock), so
** version numbers of a name increase by one and two deploys of the same
** name cannot cross; requests never wait for this lock.
*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/daemon.h"
#include "server/log.h"
#include "server/router.h"

int srv_deploy(srv_daemon_t *d, const char *name, srv_kind_t kind, const uint8_t *code, size_t len,
               const srv_config_t *cfg, bool *replaced, srv_fn_t **out, char **error) {
  pthread_mutex_lock(&d->deploy_lock);
  srv_fn_t *old = (srv_fn_t *)srv_registry_get(d->reg, name, strlen(name));
  srv_fn_t *fn;
  int status = srv_fn_new(&d->rt, name, kind, code, len, cfg, &fn, error);
  if (status == 0) {
    fn->version = old ? old->version + 1 : 1;
    srv_stats_attach(d, fn);
    srv_ref_retain(&fn->ref); /* the caller's */
    srv_ref_release(srv_registry_swap(d->reg, name, &fn->ref));
  }
  pthread_mutex_unlock(&d->deploy_lock);
  *replaced = old != NULL;
  srv_ref_release(old ? &old->ref : NULL);
  srv_cell_add(srv_family_cell1(d->fam.deploys, status ? "failed" : "ok"), 1);
  if (status) {
    srv_log_event(2, "error", "deploy of %s failed (%d): %s", name, status, *error);
    return status;
  }
  srv_cell_observe(srv_family_cell1(d->fam.compile, srv_kind_names[kind]), fn->compile_seconds);
  srv_log_event(2, "info", "deployed %s version %u (%s, %.1f ms)", name, fn->version,
                srv_kind_names[kind], fn->compile_seconds * 1e3);
  *out = fn;
  return 0;
}

/* {====================== The functions directory ======================} */

/* Reads a whole file up to max bytes; NULL with errno set on failure. */
static uint8_t *read_file(const char *path, size_t max, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  srv_buf_t b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= max)
    srv_buf_add(&b, chunk, n);
  int err = ferror(f) ? EIO : b.len > max ? EFBIG : 0;
  fclose(f);
  if (err) {
    srv_buf_free(&b);
    errno = err;
    return NULL;
  }
  *len = b.len;
  return (uint8_t *)srv_buf_take(&b);
}

/* NAME.json beside the code, if any, over the defaults. */
static int load_settings(const char *dir, const char *name, srv_config_t *cfg) {
  srv_buf_t path = {0};
  srv_buf_printf(&path, "%s/%s.json", dir, name);
  size_t len;
  uint8_t *text = read_file(path.data, 1u << 20, &len);
  int rc = 0;
  char *error = NULL;
  if (!text && errno != ENOENT) {
    srv_log_event(2, "error", "%s: %s", path.data, strerror(errno));
    rc = -1;
  } else if (text && srv_config_json(cfg, (const char *)text, len, &error) != 0) {
    srv_log_event(2, "error", "%s: %s", path.data, error);
    rc = -1;
  }
  free(error);
  free(text);
  srv_buf_free(&path);
  return rc;
}

/* The kind of a directory entry by its extension; false when neither. */
static bool entry_kind(const char *file, char *name, srv_kind_t *kind) {
  size_t n = strlen(file);
  size_t base = n > 3 && strcmp(file + n - 3, ".js") == 0     ? n - 3
                : n > 5 && strcmp(file + n - 5, ".wasm") == 0 ? n - 5
                                                              : 0;
  if (!base || base > SRV_NAME_MAX) return false;
  memcpy(name, file, base);
  name[base] = 0;
  *kind = file[base + 1] == 'j' ? SRV_KIND_JS : SRV_KIND_WASM;
  return true;
}

/* Deploys DIR/FILE with DIR/NAME.json; returns 1 when it failed. */
static int load_code(srv_daemon_t *d, const char *dir, const char *file, const char *name,
                     srv_kind_t kind) {
  srv_config_t cfg;
  srv_config_defaults(&cfg);
  if (load_settings(dir, name, &cfg) != 0) {
    srv_config_free(&cfg);
    return 1;
  }
  srv_buf_t path = {0};
  srv_buf_printf(&path, "%s/%s", dir, file);
  size_t len = 0;
  uint8_t *code = read_file(path.data, d->opts.max_deploy_bytes, &len);
  int failed = 1;
  if (code) {
    bool replaced;
    srv_fn_t *fn;
    char *error = NULL;
    failed = srv_deploy(d, name, kind, code, len, &cfg, &replaced, &fn, &error) != 0;
    if (!failed) srv_ref_release(&fn->ref);
    free(error);
    free(code);
  } else {
    srv_log_event(2, "error", "%s: %s", path.data, strerror(errno));
  }
  srv_buf_free(&path);
  srv_config_free(&cfg);
  return failed;
}

static int load_one(srv_daemon_t *d, const char *dir, const char *file) {
  char name[SRV_NAME_MAX + 1];
  srv_kind_t kind;
  if (!entry_kind(file, name, &kind)) return 0;
  if (!srv_name_valid(name, strlen(name))) {
    srv_log_event(2, "warn", "%s/%s: not a function name (A-Z a-z 0-9 _ -), skipped", dir, file);
    return 0;
  }
  srv_ref_t *taken = srv_registry_get(d->reg, name, strlen(name));
  srv_ref_release(taken);
  if (taken) {
    srv_log_event(2, "error", "%s/%s: function %s is already defined, skipped", dir, file, name);
    return 1;
  }
  return load_code(d, dir, file, name, kind);
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

int srv_load_dir(srv_daemon_t *d, const char *dir) {
  struct dirent **list;
  int n = scandir(dir, &list, NULL, by_name);
  if (n < 0) return -1;
  int failed = 0;
  for (int i = 0; i < n; i++) {
    failed += load_one(d, dir, list[i]->d_name);
    free(list[i]);
  }
  free(list);
  return failed;
}

/* {====================== The admin API ======================} */

/* The live version's settings (or the defaults), then the query's. */
static int admin_settings(srv_daemon_t *d, const char *name, const char *query, srv_config_t *cfg,
                          char **error) {
  srv_fn_t *cur = (srv_fn_t *)srv_registry_get(d->reg, name, strlen(name));
  if (cur)
    srv_config_copy(cfg, &cur->cfg);
  else
    srv_config_defaults(cfg);
  srv_ref_release(cur ? &cur->ref : NULL);
  for (const char *p = query; *p;) {
    size_t n = strcspn(p, "&"), k = strcspn(p, "=&");
    char key[32], value[128];
    snprintf(key, sizeof key, "%.*s", (int)(k < 31 ? k : 31), p);
    srv_query_param(p, key, value, sizeof value);
    if (strcmp(key, "kind") != 0 && srv_config_set(cfg, key, value, error) != 0) {
      if (!*error) {
        srv_buf_t b = {0};
        srv_buf_printf(&b,
                       "unknown setting \"%s\" (max_memory, timeout, max_instances, queue, "
                       "max_body, max_output)",
                       key);
        *error = srv_buf_take(&b);
      }
      return -1;
    }
    p += n;
    if (*p == '&') p++;
  }
  return 0;
}

static void admin_deploy(void *env, const char *name, srv_kind_t kind, const char *query,
                         const uint8_t *body, size_t len, srv_resp_t *resp) {
  srv_daemon_t *d = env;
  srv_config_t cfg;
  char *error = NULL;
  if (admin_settings(d, name, query, &cfg, &error) != 0) {
    srv_resp_json_error(resp, 400, error);
  } else {
    bool replaced;
    srv_fn_t *fn;
    int status = srv_deploy(d, name, kind, body, len, &cfg, &replaced, &fn, &error);
    if (status) {
      srv_resp_json_error(resp, status, error);
    } else {
      resp->status = replaced ? 200 : 201;
      srv_resp_header(resp, "Content-Type", "application/json");
      srv_buf_printf(&resp->body,
                     "{\"name\":\"%s\",\"kind\":\"%s\",\"version\":%u,\"sha256\":\"%s\","
                     "\"compile_seconds\":%.6f}\n",
                     name, srv_kind_names[kind], fn->version, fn->sha256, fn->compile_seconds);
      srv_ref_release(&fn->ref);
    }
  }
  free(error);
  srv_config_free(&cfg);
}

static void admin_remove(void *env, const char *name, srv_resp_t *resp) {
  srv_daemon_t *d = env;
  pthread_mutex_lock(&d->deploy_lock);
  srv_fn_t *old = (srv_fn_t *)srv_registry_swap(d->reg, name, NULL);
  pthread_mutex_unlock(&d->deploy_lock);
  if (!old) {
    srv_resp_json_error(resp, 404, "no such function");
    return;
  }
  resp->status = 200;
  srv_resp_header(resp, "Content-Type", "application/json");
  srv_buf_printf(&resp->body, "{\"deleted\":\"%s\",\"version\":%u}\n", name, old->version);
  srv_log_event(2, "info", "deleted %s version %u", name, old->version);
  srv_ref_release(&old->ref);
}

static void admin_list(void *env, const char *name, srv_resp_t *resp) {
  srv_daemon_t *d = env;
  resp->status = 200;
  srv_resp_header(resp, "Content-Type", "application/json");
  if (name) {
    srv_fn_t *fn = (srv_fn_t *)srv_registry_get(d->reg, name, strlen(name));
    if (!fn) {
      srv_resp_free(resp);
      srv_resp_json_error(resp, 404, "no such function");
      return;
    }
    srv_stats_fn_json(fn, &resp->body);
    srv_buf_addc(&resp->body, '\n');
    srv_ref_release(&fn->ref);
    return;
  }
  srv_registry_list_t l;
  srv_registry_list(d->reg, &l);
  srv_buf_adds(&resp->body, "{\"functions\":[");
  for (size_t i = 0; i < l.count; i++) {
    if (i) srv_buf_addc(&resp->body, ',');
    srv_stats_fn_json((srv_fn_t *)l.versions[i], &resp->body);
  }
  srv_buf_adds(&resp->body, "]}\n");
  srv_registry_list_free(&l);
}

void srv_admin_ops_init(srv_daemon_t *d) {
  d->admin = (srv_admin_ops_t){d, admin_deploy, admin_remove, admin_list};
}
