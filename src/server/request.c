/* SPDX-License-Identifier: Apache-2.0 */
#include "server/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *srv_req_header(const srv_req_t *req, const char *name) {
  for (size_t i = 0; i < req->nheaders; i++)
    if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
  return NULL;
}

void srv_resp_headern(srv_resp_t *r, const char *name, size_t name_len, const char *value,
                      size_t value_len) {
  if (r->nheaders == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 8;
    r->headers = srv_realloc(r->headers, r->cap * sizeof *r->headers);
  }
  r->headers[r->nheaders++] =
      (srv_resp_header_t){srv_strndup(name, name_len), srv_strndup(value, value_len)};
}

void srv_resp_header(srv_resp_t *r, const char *name, const char *value) {
  srv_resp_headern(r, name, strlen(name), value, strlen(value));
}

const char *srv_resp_get(const srv_resp_t *r, const char *name) {
  for (size_t i = 0; i < r->nheaders; i++)
    if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
  return NULL;
}

void srv_resp_text(srv_resp_t *r, int status, const char *content_type, const char *body) {
  r->status = status;
  srv_resp_header(r, "Content-Type", content_type);
  srv_buf_clear(&r->body);
  srv_buf_adds(&r->body, body);
}

void srv_resp_free(srv_resp_t *r) {
  for (size_t i = 0; i < r->nheaders; i++) {
    free(r->headers[i].name);
    free(r->headers[i].value);
  }
  free(r->headers);
  srv_buf_free(&r->body);
  *r = (srv_resp_t){0};
}
