/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the js command lands. */
#include <stdio.h>

#include "cli.h"

int cli_js(int argc, char **argv) {
  (void)argc;
  fprintf(stderr, "wasmbox: %s: not available in this build\n", argv[0]);
  return 2;
}
