/* SPDX-License-Identifier: Apache-2.0 */
/*
** The daemon (`wasmbox serve`), as the command line starts it.
**
**   srv_options_t o;
**   srv_options_defaults(&o);
**   o.dir = "functions";
**   return srv_serve(&o);   // returns the exit status after SIGTERM/SIGINT
*/
#ifndef WB_SERVER_SERVER_H
#define WB_SERVER_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "wasmbox.h"

typedef struct srv_options {
  const char *dir;           /* functions: DIR/NAME.js, DIR/NAME.wasm (+ NAME.json) */
  const char *listen;        /* "127.0.0.1:8787"; port 0 picks a free one */
  unsigned workers;          /* HTTP worker threads; 0: the number of CPUs */
  const char *admin_token;   /* NULL or "": no admin API */
  wb_engine_kind_t engine;   /* WB_ENGINE_AOT compiles modules at deploy */
  bool quiet;                /* no access log lines */
  uint64_t drain_timeout_ns; /* how long SIGTERM waits for requests */
  uint64_t max_deploy_bytes; /* admin PUT body limit */
  unsigned idle_timeout;     /* seconds before an idle connection closes */
} srv_options_t;

void srv_options_defaults(srv_options_t *o);

/* Loads the functions of o->dir, listens, prints "listening on ADDR:PORT"
   as the first line on stdout, serves until SIGTERM or SIGINT, drains and
   returns 0; or returns 1 after one line on stderr when it cannot start
   (no such directory, address in use, ...). Must be called before the
   process starts other threads (it blocks the signals it waits for). */
int srv_serve(const srv_options_t *o);

#endif
