/* SPDX-License-Identifier: Apache-2.0 */
#include "server/cgi.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/router.h"
#include "wasmbox.h"

/* {====================== Environment ======================} */

/* Headers that RFC 3875 keeps out of HTTP_* variables. */
static bool header_skipped(const char *name) {
  return strcasecmp(name, "Authorization") == 0 || strcasecmp(name, "Proxy-Authorization") == 0 ||
         strcasecmp(name, "Content-Type") == 0 || strcasecmp(name, "Content-Length") == 0;
}

/* Appends NAME=A+B (B may be NULL) without looking for an earlier NAME:
   the CGI variables are unique by construction. */
static void env_push2(srv_strv_t *l, const char *name, const char *a, const char *b) {
  size_t nl = strlen(name), al = strlen(a), bl = b ? strlen(b) : 0;
  char *e = srv_malloc(nl + al + bl + 2);
  memcpy(e, name, nl);
  e[nl] = '=';
  memcpy(e + nl + 1, a, al);
  if (bl) memcpy(e + nl + 1 + al, b, bl);
  e[nl + 1 + al + bl] = 0;
  srv_strv_push(l, e);
}

static void env_push(srv_strv_t *l, const char *name, const char *value) {
  env_push2(l, name, value, NULL);
}

/* HTTP_ + the name upper-cased, anything but letters and digits as '_'. */
static char *header_var(const char *name) {
  size_t n = strlen(name);
  char *v = srv_malloc(n + 6);
  memcpy(v, "HTTP_", 5);
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (c >= 'a' && c <= 'z')
      c = (char)(c - 'a' + 'A');
    else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      c = '_';
    v[5 + i] = c;
  }
  v[5 + n] = 0;
  return v;
}

/* Index of NAME in l from index `from`, or l->n. */
static size_t find_var(const srv_strv_t *l, size_t from, const char *name) {
  size_t n = strlen(name);
  while (from < l->n && !(strncmp(l->v[from], name, n) == 0 && l->v[from][n] == '='))
    from++;
  return from;
}

/* Adds HTTP_NAME, joining a repeated header's values with ", " (only the
   header variables, from index first, are searched). */
static void add_header(srv_strv_t *out, size_t first, const srv_header_t *h) {
  char *var = header_var(h->name);
  size_t i = find_var(out, first, var);
  if (i < out->n) {
    char *old = out->v[i];
    out->v[i] = srv_malloc(strlen(old) + strlen(h->value) + 3);
    strcpy(out->v[i], old);
    strcat(strcat(out->v[i], ", "), h->value);
    free(old);
  } else {
    env_push(out, var, h->value);
  }
  free(var);
}

/* PATH_INFO is decoded; the raw text goes to X_RAW_PATH_INFO. */
static void add_paths(const srv_req_t *req, srv_strv_t *out) {
  size_t n = strlen(req->path_info);
  char *decoded = srv_malloc(n + 1);
  srv_url_decode(decoded, req->path_info, n, false);
  env_push(out, "PATH_INFO", decoded);
  env_push(out, "PATH_TRANSLATED", decoded);
  free(decoded);
  env_push(out, "X_RAW_PATH_INFO", req->path_info);
  env_push(out, "SCRIPT_NAME", req->script_name);
  env_push2(out, "X_MATCHED_ROUTE", req->script_name, "/...");
  srv_buf_t url = {0};
  srv_buf_adds(&url, "http://");
  srv_buf_adds(&url, req->host);
  env_push2(out, "X_FULL_URL", url.data, req->uri);
  srv_buf_free(&url);
}

static void add_server(const srv_req_t *req, srv_strv_t *out) {
  char num[32];
  env_push(out, "GATEWAY_INTERFACE", "CGI/1.1");
  env_push(out, "SERVER_SOFTWARE", "wasmbox/" WASMBOX_VERSION);
  env_push(out, "SERVER_PROTOCOL", req->protocol ? req->protocol : "HTTP/1.1");
  env_push(out, "SERVER_NAME", req->server_name);
  snprintf(num, sizeof num, "%u", req->server_port);
  env_push(out, "SERVER_PORT", num);
  env_push(out, "REMOTE_ADDR", req->remote_addr);
  env_push(out, "REMOTE_HOST", req->remote_addr);
  env_push(out, "AUTH_TYPE", "");
  env_push(out, "REMOTE_USER", "");
}

void srv_cgi_env(const srv_req_t *req, const srv_strv_t *fn_env, srv_strv_t *out) {
  char num[32];
  env_push(out, "REQUEST_METHOD", req->method);
  env_push(out, "QUERY_STRING", req->query);
  snprintf(num, sizeof num, "%zu", req->body_len);
  env_push(out, "CONTENT_LENGTH", num);
  const char *ct = srv_req_header(req, "Content-Type");
  env_push(out, "CONTENT_TYPE", ct ? ct : "");
  add_server(req, out);
  add_paths(req, out);
  size_t first_header = out->n;
  for (size_t i = 0; i < req->nheaders; i++)
    if (!header_skipped(req->headers[i].name)) add_header(out, first_header, &req->headers[i]);
  /* Configured variables, unless the request set the same name. */
  for (size_t i = 0; fn_env && i < fn_env->n; i++) {
    const char *e = fn_env->v[i];
    char name[256];
    size_t nl = strcspn(e, "=");
    if (nl >= sizeof name) continue;
    memcpy(name, e, nl);
    name[nl] = 0;
    if (find_var(out, 0, name) == out->n) srv_strv_push(out, srv_strdup(e));
  }
}

/* {====================== Output ======================} */

static bool token_char(unsigned char c) {
  return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* Headers the daemon sets itself. */
static bool header_dropped(const char *name, size_t n) {
  static const char *const dropped[] = {"Connection", "Transfer-Encoding", "Content-Length",
                                        "Keep-Alive", "Upgrade"};
  for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
    if (strlen(dropped[i]) == n && strncasecmp(name, dropped[i], n) == 0) return true;
  return false;
}

static char *fail(const char *fmt, size_t line) {
  char *msg = srv_malloc(128);
  snprintf(msg, 128, fmt, line);
  return msg;
}

/* "404 Not Found" -> 404; -1 unless a final status, 200 to 599 (an
   interim 1xx would break the response's framing). */
static int parse_status(const char *v, size_t n) {
  if (n < 3 || v[0] < '2' || v[0] > '5' || v[1] < '0' || v[1] > '9' || v[2] < '0' || v[2] > '9')
    return -1;
  if (n > 3 && v[3] != ' ') return -1;
  return (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
}

/* One "Name: value" line (no line end). Returns 0 or -1. */
static int header_line(const char *p, size_t n, srv_resp_t *resp, bool *has_status) {
  size_t k = 0;
  while (k < n && token_char((unsigned char)p[k]))
    k++;
  if (k == 0 || k >= n || p[k] != ':') return -1;
  size_t v = k + 1, e = n;
  while (v < e && (p[v] == ' ' || p[v] == '\t'))
    v++;
  while (e > v && (p[e - 1] == ' ' || p[e - 1] == '\t'))
    e--;
  if (k == 6 && strncasecmp(p, "Status", 6) == 0) {
    int st = parse_status(p + v, e - v);
    if (st < 0) return -1;
    resp->status = st;
    *has_status = true;
    return 0;
  }
  if (!header_dropped(p, k)) srv_resp_headern(resp, p, k, p + v, e - v);
  return 0;
}

int srv_cgi_response(const uint8_t *out, size_t len, srv_resp_t *resp, char **error) {
  const char *p = (const char *)out, *end = p + len;
  bool has_status = false;
  resp->status = 200;
  for (size_t line = 1;; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
      *error = fail(len ? "no blank line after the headers (line %zu)"
                        : "no output (a CGI program prints headers, a blank line, the body)",
                    line);
      return -1;
    }
    size_t n = (size_t)(nl - p);
    if (n && p[n - 1] == '\r') n--;
    if (n == 0) {
      p = nl + 1;
      break;
    }
    if (memchr(p, 0, n) || header_line(p, n, resp, &has_status) != 0) {
      *error = fail("malformed header line %zu in the output", line);
      return -1;
    }
    p = nl + 1;
  }
  if (!has_status && srv_resp_get(resp, "Location")) resp->status = 302;
  srv_buf_add(&resp->body, p, (size_t)(end - p));
  return 0;
}
