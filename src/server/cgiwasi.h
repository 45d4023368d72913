/* SPDX-License-Identifier: Apache-2.0 */
/*
** WASI for CGI functions (prefix srv_wasi): the wasi_snapshot_preview1
** imports a pooled CGI module needs, with stdin, stdout and stderr in
** memory and the environment of the request being served.
**
** Why not src/wasi: its state (descriptors, environment) belongs to the
** linker the imports were defined in, and a template shares those host
** functions with every instance in its pool, so all concurrent requests
** would share one environment and one stdout. Here the host functions are
** stateless and find the request through a per-thread pointer set around
** each call (srv_wasi_enter): instances of one template run on many
** threads at once, each call on exactly one.
**
** Granted: args, environ, stdin (the body), stdout (bounded: past the
** bound the guest traps), stderr (kept up to a bound, then dropped), the
** realtime and monotonic clocks, random_get, proc_exit, sched_yield.
** Everything else (files, sockets, poll) fails with ENOTCAPABLE: there
** are no preopened directories.
*/
#ifndef WB_SERVER_CGIWASI_H
#define WB_SERVER_CGIWASI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/buf.h"
#include "wasmbox.h"

/* The I/O of one invocation; the caller owns it and everything in it. */
typedef struct srv_cgi_io {
  const srv_strv_t *args; /* argv; NULL for none */
  const srv_strv_t *env;  /* NAME=VALUE; NULL for none */
  const uint8_t *in;      /* stdin */
  size_t in_len, in_pos;
  srv_buf_t out;     /* stdout */
  size_t out_max;    /* bound on out.len: past it the guest traps */
  bool out_overflow; /* set when the bound was hit */
  srv_buf_t err;     /* stderr, truncated at err_max */
  size_t err_max;
} srv_cgi_io_t;

/* Defines in linker every wasi_snapshot_preview1 function module imports.
   Returns NULL, or an owned message (free()) naming an import that is not
   WASI or whose type is wrong. */
char *srv_wasi_link(wb_linker_t *linker, const wb_module_t *module);

/* Makes io the I/O of guest calls on this thread until the next call
   (NULL: empty stdin and environment, output dropped). Returns the
   previous value so that calls can nest. */
srv_cgi_io_t *srv_wasi_enter(srv_cgi_io_t *io);

#endif
