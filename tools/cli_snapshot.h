/* SPDX-License-Identifier: Apache-2.0 */
/*
** `wasmbox snapshot`: pre-initialises a module (Wizer's format).
*/
#ifndef WB_TOOLS_CLI_SNAPSHOT_H
#define WB_TOOLS_CLI_SNAPSHOT_H

/* Runs `snapshot IN.wasm [--init NAME] -o OUT.wasm`. argv[0] is the
   subcommand's own name ("snapshot"), so `wasmbox` calls it as
   cli_snapshot(argc - 1, argv + 1). Makes a template of IN (giving it
   WASI with nothing but stdio if it imports wasi_snapshot_preview1), runs
   the init export (NAME, else wizer.initialize, else _initialize, else
   none) and writes the snapshot to OUT. Prints nothing on success.
   Returns the exit status: 0; 1 for usage, I/O, decode, validation, link
   and snapshot errors (one line on stderr); 134 when init traps (the trap
   and its backtrace on stderr, as `wasmbox run` prints them). */
int cli_snapshot(int argc, char **argv);

#endif
