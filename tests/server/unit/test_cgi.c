/* SPDX-License-Identifier: Apache-2.0 */
/* The CGI adapter: the environment a request becomes, and a program's
   output becoming a response (status, Location, dropped headers, line
   ends, malformed output). */
#include <stdlib.h>

#include "server/cgi.h"
#include "test.h"

static const char *env_get(const srv_strv_t *env, const char *name) {
  return srv_strv_getenv(env, name);
}

static void test_env(void) {
  srv_header_t hs[] = {{"User-Agent", "curl/8"},
                       {"X-Trace-Id", "a1"},
                       {"Accept", "text/html"},
                       {"accept", "application/json"},
                       {"Authorization", "Bearer secret"},
                       {"Content-Type", "application/json"},
                       {"Content-Length", "3"}};
  srv_req_t req = {.method = "POST",
                   .uri = "/api/a%20b/c?x=1&y=%2F",
                   .path = "/api/a%20b/c",
                   .query = "x=1&y=%2F",
                   .script_name = "/api",
                   .path_info = "/a%20b/c",
                   .protocol = "HTTP/1.1",
                   .host = "example.com:8080",
                   .server_name = "example.com",
                   .server_port = 8080,
                   .remote_addr = "10.0.0.7",
                   .headers = hs,
                   .nheaders = 7,
                   .body = (const uint8_t *)"abc",
                   .body_len = 3};
  srv_strv_t fn_env = {0};
  srv_strv_setenv(&fn_env, "GREETING", "hi");
  srv_strv_setenv(&fn_env, "REQUEST_METHOD", "spoofed"); /* the request wins */
  srv_strv_t env = {0};
  srv_cgi_env(&req, &fn_env, &env);
  CHECK(strcmp(env_get(&env, "GREETING"), "hi") == 0);
  CHECK(strcmp(env_get(&env, "REQUEST_METHOD"), "POST") == 0);
  CHECK(strcmp(env_get(&env, "PATH_INFO"), "/a b/c") == 0);
  CHECK(strcmp(env_get(&env, "X_RAW_PATH_INFO"), "/a%20b/c") == 0);
  CHECK(strcmp(env_get(&env, "SCRIPT_NAME"), "/api") == 0);
  CHECK(strcmp(env_get(&env, "QUERY_STRING"), "x=1&y=%2F") == 0);
  CHECK(strcmp(env_get(&env, "CONTENT_LENGTH"), "3") == 0);
  CHECK(strcmp(env_get(&env, "CONTENT_TYPE"), "application/json") == 0);
  CHECK(strcmp(env_get(&env, "SERVER_NAME"), "example.com") == 0);
  CHECK(strcmp(env_get(&env, "SERVER_PORT"), "8080") == 0);
  CHECK(strcmp(env_get(&env, "SERVER_PROTOCOL"), "HTTP/1.1") == 0);
  CHECK(strcmp(env_get(&env, "GATEWAY_INTERFACE"), "CGI/1.1") == 0);
  CHECK(strcmp(env_get(&env, "REMOTE_ADDR"), "10.0.0.7") == 0);
  CHECK(strcmp(env_get(&env, "X_FULL_URL"), "http://example.com:8080/api/a%20b/c?x=1&y=%2F") == 0);
  CHECK(strcmp(env_get(&env, "X_MATCHED_ROUTE"), "/api/...") == 0);
  CHECK(strcmp(env_get(&env, "HTTP_USER_AGENT"), "curl/8") == 0);
  CHECK(strcmp(env_get(&env, "HTTP_X_TRACE_ID"), "a1") == 0);
  CHECK(strcmp(env_get(&env, "HTTP_ACCEPT"), "text/html, application/json") == 0);
  CHECK(env_get(&env, "HTTP_AUTHORIZATION") == NULL);
  CHECK(env_get(&env, "HTTP_CONTENT_TYPE") == NULL);
  CHECK(env_get(&env, "HTTP_CONTENT_LENGTH") == NULL);
  srv_strv_free(&env);
  srv_strv_free(&fn_env);
}

/* Parses text; returns the status or -1 (error in *why). */
static int parse(const char *text, srv_resp_t *resp, char **why) {
  *resp = (srv_resp_t){0};
  *why = NULL;
  if (srv_cgi_response((const uint8_t *)text, strlen(text), resp, why) != 0) return -1;
  return resp->status;
}

static void test_output(void) {
  srv_resp_t r;
  char *why;
  CHECK_EQ(parse("Content-Type: text/plain\n\nhello\n", &r, &why), 200);
  CHECK(strcmp(srv_resp_get(&r, "content-type"), "text/plain") == 0);
  CHECK(r.body.len == 6 && memcmp(r.body.data, "hello\n", 6) == 0);
  srv_resp_free(&r);
  CHECK_EQ(parse("Status: 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>", &r, &why), 404);
  CHECK(srv_resp_get(&r, "Status") == NULL);
  CHECK(r.body.len == 3);
  srv_resp_free(&r);
  CHECK_EQ(parse("Location: /elsewhere\n\n", &r, &why), 302);
  CHECK(strcmp(srv_resp_get(&r, "Location"), "/elsewhere") == 0);
  srv_resp_free(&r);
  CHECK_EQ(parse("Location: /x\nStatus: 301\n\n", &r, &why), 301);
  srv_resp_free(&r);
  CHECK_EQ(parse("X-A:   spaced  \t\nContent-Length: 99\nConnection: close\n\nbody", &r, &why),
           200);
  CHECK(strcmp(srv_resp_get(&r, "X-A"), "spaced") == 0);
  CHECK(srv_resp_get(&r, "Content-Length") == NULL);
  CHECK(srv_resp_get(&r, "Connection") == NULL);
  srv_resp_free(&r);
  CHECK_EQ(parse("\nonly a body", &r, &why), 200); /* no headers at all */
  CHECK(r.nheaders == 0 && r.body.len == 11);
  srv_resp_free(&r);
}

static void test_bad_output(void) {
  srv_resp_t r;
  char *why;
  const char *bad[] = {"",
                       "Content-Type: text/plain\nno blank line",
                       "hello world\n\n",
                       "Status: abc\n\n",
                       "Status: 20\n\n",
                       "Status: 101\n\n", /* interim, not a final status */
                       "Status: 600\n\n",
                       ": v\n\n",
                       " folded: x\n\n",
                       "Bad Name: x\n\n"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK_EQ(parse(bad[i], &r, &why), -1);
    CHECK(why != NULL);
    free(why);
    srv_resp_free(&r);
  }
  parse("", &r, &why);
  CHECK_CONTAINS(why, "no output");
  free(why);
  srv_resp_free(&r);
}

TEST_MAIN("server_cgi", test_env, test_output, test_bad_output)
