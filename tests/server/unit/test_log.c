/* SPDX-License-Identifier: Apache-2.0 */
/* Log lines and JSON text: every line parses as one JSON object with the
   fields the daemon promises, whatever bytes a path or detail holds. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "server/buf.h"
#include "server/log.h"
#include "test.h"

static void test_access_line(void) {
  srv_log_entry_t e = {.method = "GET",
                       .path = "/hello/\"x\"\n\xff",
                       .function = "hello",
                       .version = 3,
                       .status = 500,
                       .outcome = "trap",
                       .duration_us = 1234,
                       .instance = SRV_INSTANCE_NEW,
                       .detail = "trap: unreachable\n  at f"};
  srv_buf_t b = {0};
  srv_log_format(&b, &e);
  CHECK(b.len > 0 && b.data[b.len - 1] == '\n');
  CHECK(strchr(b.data, '\n') == b.data + b.len - 1); /* one line */
  cJSON *j = cJSON_Parse(b.data);
  CHECK(j != NULL);
  CHECK(strcmp(cJSON_GetObjectItem(j, "function")->valuestring, "hello") == 0);
  CHECK_EQ(cJSON_GetObjectItem(j, "status")->valueint, 500);
  CHECK_EQ(cJSON_GetObjectItem(j, "version")->valueint, 3);
  CHECK_EQ(cJSON_GetObjectItem(j, "duration_us")->valueint, 1234);
  CHECK(strcmp(cJSON_GetObjectItem(j, "instance")->valuestring, "new") == 0);
  CHECK(strcmp(cJSON_GetObjectItem(j, "outcome")->valuestring, "trap") == 0);
  CHECK(strcmp(cJSON_GetObjectItem(j, "path")->valuestring, "/hello/\"x\"\n\xEF\xBF\xBD") == 0);
  CHECK(strcmp(cJSON_GetObjectItem(j, "detail")->valuestring, e.detail) == 0);
  CHECK(strlen(cJSON_GetObjectItem(j, "time")->valuestring) == 24);
  cJSON_Delete(j);
  srv_buf_free(&b);
  /* Not a function: no function fields. */
  srv_log_entry_t m = {.method = "GET", .path = "/metrics", .status = 200};
  srv_log_format(&b, &m);
  CHECK(strstr(b.data, "function") == NULL && strstr(b.data, "instance") == NULL);
  srv_buf_free(&b);
}

static void test_json_strings(void) {
  srv_buf_t b = {0};
  srv_buf_json_str(&b, "a\tb\x01\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 14);
  CHECK(strcmp(b.data, "\"a\\tb\\u0001\\u007f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"") == 0);
  srv_buf_clear(&b);
  /* Overlong, surrogate, truncated and stray bytes become U+FFFD. */
  srv_buf_json_str(&b, "\xc0\xaf|\xed\xa0\x80|\xe2\x82|\x80", 11);
  cJSON *j = cJSON_Parse(b.data);
  CHECK(j && cJSON_IsString(j));
  CHECK(strstr(b.data, "\xc0") == NULL && strstr(b.data, "\xed\xa0") == NULL);
  cJSON_Delete(j);
  srv_buf_clear(&b);
  srv_buf_json_str(&b, "nul\0inside", 10);
  CHECK(strcmp(b.data, "\"nul\\u0000inside\"") == 0);
  srv_buf_free(&b);
}

static void test_secret_equal(void) {
  CHECK(srv_secret_equal("abc", 3, "abc", 3));
  CHECK(!srv_secret_equal("abd", 3, "abc", 3));
  CHECK(!srv_secret_equal("ab", 2, "abc", 3));
  CHECK(!srv_secret_equal("abcd", 4, "abc", 3));
  CHECK(!srv_secret_equal("", 0, "abc", 3));
  CHECK(srv_secret_equal("", 0, "", 0));
}

TEST_MAIN("server_log", test_access_line, test_json_strings, test_secret_equal)
