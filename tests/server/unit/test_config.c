/* SPDX-License-Identifier: Apache-2.0 */
/* Function settings: sizes and durations with units, NAME.json (numbers,
   strings, env), and errors that name the key. */
#include <stdlib.h>

#include "server/config.h"
#include "test.h"

static void test_units(void) {
  uint64_t v;
  CHECK(srv_parse_size("32M", &v) && v == 32u << 20);
  CHECK(srv_parse_size("64KiB", &v) && v == 64u << 10);
  CHECK(srv_parse_size("1G", &v) && v == 1u << 30);
  CHECK(srv_parse_size("1048576", &v) && v == 1048576);
  CHECK(!srv_parse_size("12X", &v));
  CHECK(!srv_parse_size("-1", &v));
  CHECK(!srv_parse_size("", &v));
  CHECK(!srv_parse_size("99999999999999999999", &v));
  CHECK(!srv_parse_size("17179869184G", &v)); /* overflows */
  CHECK(srv_parse_duration("250ms", &v) && v == 250000000);
  CHECK(srv_parse_duration("5s", &v) && v == 5000000000ull);
  CHECK(srv_parse_duration("2", &v) && v == 2000000000ull);
  CHECK(srv_parse_duration("100us", &v) && v == 100000);
  CHECK(srv_parse_duration("2min", &v) && v == 120000000000ull);
  CHECK(!srv_parse_duration("5 s", &v));
  CHECK(!srv_parse_duration("s", &v));
}

static void test_json(void) {
  srv_config_t c;
  srv_config_defaults(&c);
  CHECK_EQ(c.max_memory, 32u << 20);
  CHECK_EQ(c.timeout_ns, 5000000000ull);
  const char *j = "{\"max_memory\": \"16M\", \"timeout\": 0.25, \"max_instances\": 3,"
                  " \"queue\": 0, \"max_body\": 4096, \"max_output\": \"64K\","
                  " \"env\": {\"GREETING\": \"hi\", \"_X1\": \"\"}}";
  char *err = NULL;
  CHECK_EQ(srv_config_json(&c, j, strlen(j), &err), 0);
  CHECK(err == NULL);
  CHECK_EQ(c.max_memory, 16u << 20);
  CHECK_EQ(c.timeout_ns, 250000000);
  CHECK_EQ(c.max_instances, 3);
  CHECK_EQ(c.queue, 0);
  CHECK_EQ(c.max_body, 4096);
  CHECK_EQ(c.max_output, 64u << 10);
  CHECK(strcmp(srv_strv_getenv(&c.env, "GREETING"), "hi") == 0);
  CHECK(strcmp(srv_strv_getenv(&c.env, "_X1"), "") == 0);
  srv_config_t copy;
  srv_config_copy(&copy, &c);
  srv_config_free(&c);
  CHECK(strcmp(srv_strv_getenv(&copy.env, "GREETING"), "hi") == 0);
  srv_buf_t out = {0};
  srv_config_write_json(&copy, &out);
  CHECK_CONTAINS(out.data, "\"timeout\":0.25");
  CHECK_CONTAINS(out.data, "\"max_memory\":16777216");
  CHECK_CONTAINS(out.data, "\"env\":{\"GREETING\":\"hi\",\"_X1\":\"\"}");
  srv_buf_free(&out);
  srv_config_free(&copy);
}

/* Each bad document fails and the message names the key. */
static void bad(const char *json, const char *key) {
  srv_config_t c;
  srv_config_defaults(&c);
  char *err = NULL;
  CHECK_EQ(srv_config_json(&c, json, strlen(json), &err), -1);
  CHECK_CONTAINS(err, key);
  free(err);
  srv_config_free(&c);
}

static void test_errors(void) {
  bad("{\"max_memroy\": 1}", "max_memroy");
  bad("{\"timeout\": \"fast\"}", "timeout");
  bad("{\"timeout\": -1}", "timeout");
  bad("{\"timeout\": \"2h\"}", "timeout");    /* above the 1 h bound */
  bad("{\"max_memory\": 100}", "max_memory"); /* below 64 KiB */
  bad("{\"max_instances\": 1.5}", "max_instances");
  bad("{\"max_instances\": true}", "max_instances");
  bad("{\"env\": [\"A=1\"]}", "env");
  bad("{\"env\": {\"A=B\": \"1\"}}", "env");
  bad("{\"env\": {\"A\": 1}}", "env");
  bad("[1]", "JSON object");
  bad("{\"timeout\": ", "JSON object");
}

static void test_set(void) {
  srv_config_t c;
  srv_config_defaults(&c);
  char *err = NULL;
  CHECK_EQ(srv_config_set(&c, "timeout", "200ms", &err), 0);
  CHECK_EQ(c.timeout_ns, 200000000);
  CHECK_EQ(srv_config_set(&c, "max_instances", "4", &err), 0);
  CHECK_EQ(c.max_instances, 4);
  CHECK_EQ(srv_config_set(&c, "nope", "1", &err), 1);
  CHECK_EQ(srv_config_set(&c, "max_instances", "4x", &err), -1);
  CHECK_CONTAINS(err, "max_instances");
  free(err);
  srv_config_free(&c);
}

TEST_MAIN("server_config", test_units, test_json, test_errors, test_set)
