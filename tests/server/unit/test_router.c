/* SPDX-License-Identifier: Apache-2.0 */
/* The router and URL helpers: which part of the daemon a path reaches,
   function names, PATH_INFO, query strings and percent-decoding. */
#include "server/router.h"
#include "test.h"

static void test_routes(void) {
  srv_route_t r;
  srv_route("/healthz", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_HEALTH);
  srv_route("/metrics", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_METRICS);
  srv_route("/metrics/x", &r); /* "metrics" is reserved, not a function */
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
  srv_route("/_admin/functions/a", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_ADMIN);
  CHECK(strcmp(r.rest, "/functions/a") == 0);
  srv_route("/_admin", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_ADMIN);
  CHECK(strcmp(r.rest, "") == 0);
  srv_route("/_adminx", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
  srv_route("/", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
  srv_route("", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
}

static void test_functions(void) {
  srv_route_t r;
  srv_route("/hello", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_FUNCTION);
  CHECK_EQ(r.name_len, 5);
  CHECK(strncmp(r.name, "hello", 5) == 0);
  CHECK(strcmp(r.rest, "") == 0);
  srv_route("/api-v2/users/7", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_FUNCTION);
  CHECK_EQ(r.name_len, 6);
  CHECK(strcmp(r.rest, "/users/7") == 0);
  srv_route("/hello/", &r);
  CHECK(strcmp(r.rest, "/") == 0);
  srv_route("/he%6clo", &r); /* encoded names never match */
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
  srv_route("/_private", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
  srv_route("//hello", &r);
  CHECK_EQ(r.kind, SRV_ROUTE_NOT_FOUND);
}

static void test_names(void) {
  CHECK(srv_name_valid("a", 1));
  CHECK(srv_name_valid("A_b-9", 5));
  CHECK(!srv_name_valid("", 0));
  CHECK(!srv_name_valid("_x", 2));
  CHECK(!srv_name_valid("a.b", 3));
  CHECK(!srv_name_valid("a b", 3));
  CHECK(!srv_name_valid("healthz", 7));
  char long_name[70];
  memset(long_name, 'x', sizeof long_name);
  CHECK(srv_name_valid(long_name, 64));
  CHECK(!srv_name_valid(long_name, 65));
}

static void test_uri(void) {
  const char *q;
  CHECK_EQ(srv_uri_split("/a/b?x=1&y", &q), 4);
  CHECK(strcmp(q, "x=1&y") == 0);
  CHECK_EQ(srv_uri_split("/a/b", &q), 4);
  CHECK(strcmp(q, "") == 0);
  CHECK_EQ(srv_uri_split("/a?b?c", &q), 2);
  CHECK(strcmp(q, "b?c") == 0);
}

static void test_decode(void) {
  char out[64];
  CHECK_EQ(srv_url_decode(out, "a%20b%2Fc", 9, false), 5);
  CHECK(strcmp(out, "a b/c") == 0);
  srv_url_decode(out, "a+b", 3, false);
  CHECK(strcmp(out, "a+b") == 0);
  srv_url_decode(out, "a+b", 3, true);
  CHECK(strcmp(out, "a b") == 0);
  /* Bad and truncated escapes stay as they are. */
  srv_url_decode(out, "%zz%4", 5, false);
  CHECK(strcmp(out, "%zz%4") == 0);
  srv_url_decode(out, "%", 1, false);
  CHECK(strcmp(out, "%") == 0);
  CHECK_EQ(srv_url_decode(out, "%00x", 4, false), 2);
  CHECK_EQ(out[0], 0);
}

static void test_query_param(void) {
  char v[16];
  CHECK(srv_query_param("kind=wasm&timeout=2s", "timeout", v, sizeof v));
  CHECK(strcmp(v, "2s") == 0);
  CHECK(srv_query_param("kind=wasm&timeout=2s", "kind", v, sizeof v));
  CHECK(strcmp(v, "wasm") == 0);
  CHECK(!srv_query_param("kind=wasm", "kin", v, sizeof v));
  CHECK(!srv_query_param("", "kind", v, sizeof v));
  CHECK(srv_query_param("flag&x=1", "flag", v, sizeof v));
  CHECK(strcmp(v, "") == 0);
  CHECK(srv_query_param("name=J%C3%BCrgen+M", "name", v, sizeof v));
  CHECK(strcmp(v, "J\xC3\xBCrgen M") == 0);
  CHECK(srv_query_param("x=0123456789abcdefXYZ", "x", v, 8)); /* truncated, terminated */
  CHECK(strcmp(v, "0123456") == 0);
}

TEST_MAIN("server_router", test_routes, test_functions, test_names, test_uri, test_decode,
          test_query_param)
