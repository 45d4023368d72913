/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the serve command lands. */
#include <stdio.h>

#include "cli.h"

int cli_serve(int argc, char **argv) {
  (void)argc;
  fprintf(stderr, "wasmbox: %s: not available in this build\n", argv[0]);
  return 2;
}
