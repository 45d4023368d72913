/* SPDX-License-Identifier: Apache-2.0 */
/*
** The `wasmbox snapshot` subcommand as a program of its own, so the tests
** drive exactly the code `wasmbox snapshot` runs: argv[0] plays the
** subcommand's name.
*/
#include "cli_snapshot.h"

int main(int argc, char **argv) { return cli_snapshot(argc, argv); }
