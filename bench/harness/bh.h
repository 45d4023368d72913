/* SPDX-License-Identifier: Apache-2.0 */
/*
** Common runner library of the in-process benchmarks (wbbench).
**
** A benchmark is a function that runs `iters` iterations of something and
** returns the nanoseconds it chose to time (the whole loop, or only the part
** of each iteration that matters). bh_measure calibrates the iteration count
** so that one sample lasts about the target time, then takes the samples.
** Results go to stdout as one JSON object per line (see bh_emit); the shell
** side (bench/lib/common.sh) computes medians and min-max from the samples.
*/
#ifndef BH_H
#define BH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmbox.h"

typedef struct bh_opts {
  int samples;          /* samples per measurement (at least 5) */
  double sample_ns;     /* target duration of one sample */
  bool quick;           /* smaller sizes and counts */
  bool have_limits;     /* wb_store_limits_set links (-DBH_HAVE_LIMITS) */
} bh_opts_t;

extern bh_opts_t bh_opts;

/* Runs iters iterations and returns the timed nanoseconds. */
typedef double (*bh_fn_t)(void *ctx, uint64_t iters);

/* Monotonic clock in nanoseconds. */
double bh_now(void);

/* Calibrates fn then fills samples[0..bh_opts.samples) with nanoseconds
   per iteration. iters_max caps the calibration (slow iterations). */
void bh_measure(bh_fn_t fn, void *ctx, uint64_t iters_max, double *samples);

/* Prints one result line:
   {"category":..,"bench":..,"param":..,"engine":..,"unit":..,"samples":[..]}
   Values are divided by `scale` (e.g. 1e3 to print ns as us). */
void bh_emit(const char *category, const char *bench, const char *param,
             const char *engine, const char *unit, const double *samples,
             int n, double scale);

/* Reads a whole file; exits with a message on failure. */
uint8_t *bh_read_file(const char *path, size_t *len);

/* Exits with a message if err is set (a benchmark must not silently fail). */
void bh_check(wb_error_t *err, const char *what);

/* Compiles a module from a file, exiting on failure. */
wb_module_t *bh_module_load(wb_engine_t *engine, const char *path);

/* Makes a store and an instance of module in it (no imports). */
wb_instance_t *bh_instantiate(wb_engine_t *engine, const wb_module_t *module,
                              wb_store_t **store);

/* Looks up an exported function, exiting if missing. */
wb_func_t *bh_export_func(wb_instance_t *instance, const char *name);

/* Calls func; returns the trap (owned) or NULL. Exits on an API error. */
wb_trap_t *bh_call(wb_store_t *store, wb_func_t *func, const wb_val_t *args,
                   size_t nargs, wb_val_t *results, size_t nresults);

/* Rss and Private_Dirty of this process in KiB, from /proc/self/smaps_rollup. */
void bh_smaps(double *rss_kib, double *private_dirty_kib);

/* The commands, one C file each, listed in bh.c's table. Each takes its
   own arguments (after the command name) and returns the exit status.
   Weak: bench/run leaves out a file that does not compile or link (an API
   not yet in libwasmbox.a), and its command then reports that it is not
   built instead of breaking every other category. To add one: a file
   here, a line below, a line in bh.c's table. */
#define BH_CMD __attribute__((weak))
BH_CMD int bh_cmd_instantiate(int argc, char **argv);
BH_CMD int bh_cmd_call(int argc, char **argv);
BH_CMD int bh_cmd_footprint(int argc, char **argv);
BH_CMD int bh_cmd_grow(int argc, char **argv);
BH_CMD int bh_cmd_trap(int argc, char **argv);
BH_CMD int bh_cmd_limits(int argc, char **argv);
BH_CMD int bh_cmd_pool(int argc, char **argv);
BH_CMD int bh_cmd_js(int argc, char **argv);

#endif
