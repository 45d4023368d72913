/* SPDX-License-Identifier: Apache-2.0 */
/*
** The `wasmbox-serve` program: `wasmbox serve ...` runs it. The daemon
** links libmicrohttpd and its TLS stack; keeping it out of `wasmbox`
** keeps every other command's start-up (which the sandbox's start-up time
** includes) free of loading those libraries.
*/
#include "cli.h"

int main(int argc, char **argv) { return cli_serve(argc, argv); }
