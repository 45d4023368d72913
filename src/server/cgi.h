/* SPDX-License-Identifier: Apache-2.0 */
/*
** The CGI convention for WASI functions, as Wagi uses it (prefix srv_cgi).
**
** In: the request's metadata becomes environment variables (RFC 3875 plus
** Wagi's X_* additions), the body is stdin:
**
**   REQUEST_METHOD  SCRIPT_NAME=/NAME  PATH_INFO (decoded)  X_RAW_PATH_INFO
**   QUERY_STRING (raw)  CONTENT_TYPE  CONTENT_LENGTH  SERVER_NAME
**   SERVER_PORT  SERVER_PROTOCOL  SERVER_SOFTWARE  GATEWAY_INTERFACE=CGI/1.1
**   REMOTE_ADDR  REMOTE_HOST  AUTH_TYPE  REMOTE_USER  PATH_TRANSLATED
**   X_FULL_URL  X_MATCHED_ROUTE=/NAME/...  HTTP_<HEADER> for each header
**
** (header names upper-cased, '-' and other non-alphanumerics become '_';
** repeated headers are joined with ", "; Authorization, Content-Type and
** Content-Length get no HTTP_ variable, as RFC 3875 says).
**
** Out: stdout is headers, a blank line, then the body. `Status: 404 Not
** Found` sets the status (200 to 599; default 200); a `Location:` without a Status
** means 302. Lines may end in "\n" or "\r\n". Connection,
** Transfer-Encoding, Content-Length, Keep-Alive and Upgrade are dropped:
** the daemon frames the response itself.
*/
#ifndef WB_SERVER_CGI_H
#define WB_SERVER_CGI_H

#include <stddef.h>
#include <stdint.h>

#include "server/buf.h"
#include "server/request.h"

/* Appends the environment of one request to out (empty before): the CGI
   variables, then those of fn_env (the function's configured variables,
   NAME=VALUE; may be NULL) whose names the request did not set: the
   request's win. */
void srv_cgi_env(const srv_req_t *req, const srv_strv_t *fn_env, srv_strv_t *out);

/* Parses a CGI program's stdout into resp (status, headers, body). Returns
   0, or -1 with a one-line reason in *error (owned, free() it) when the
   output is not a CGI response. */
int srv_cgi_response(const uint8_t *out, size_t len, srv_resp_t *resp, char **error);

#endif
