/* SPDX-License-Identifier: Apache-2.0 */
/*
** Writes the large hostile modules of the limits corpus as text (.wat), so
** megabytes of generated source are never committed. Usage:
**
**   gen_big KIND OUT.wat
**
** KIND is one of:
**   locals100k  one function declaring 100,000 locals (over the decoder's
**               per-function limit: must fail cleanly)
**   funcs100k   100,000 functions; f_N returns N, the last one can trap
**   brtable100k a br_table with 100,000 targets
**   nest10k     10,000 nested blocks, left by one branch from the innermost
**   bigframe    recursion with frames of thousands of locals
*/
#include <stdio.h>
#include <string.h>

#define HEALTHY                                                                \
  "  (func $healthy (export \"healthy\") (param i32) (result i32)\n"           \
  "    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 7)))\n"

/* Writes n copies of word (each followed by a space). */
static void repeat(FILE *f, const char *word, unsigned n) {
  for (unsigned i = 0; i < n; i++) fprintf(f, "%s ", word);
}

static void gen_locals(FILE *f) {
  fputs("(module\n  (func (export \"f\") (result i32)\n    (local ", f);
  repeat(f, "i32", 100000);
  fputs(")\n    (i32.const 1))\n" HEALTHY ")\n", f);
}

/* f_N returns N, except the last, which traps when its argument is not 0
   (so a backtrace names a function with a large index). */
static void gen_funcs(FILE *f) {
  fputs("(module\n", f);
  for (unsigned i = 0; i < 99999; i++)
    fprintf(f, "  (func $f%u (result i32) (i32.const %u))\n", i, i);
  fputs("  (func $f99999 (param i32) (result i32)\n"
        "    (if (local.get 0) (then unreachable)) (i32.const 99999))\n"
        "  (export \"f0\" (func $f0))\n"
        "  (export \"f50000\" (func $f50000))\n"
        "  (export \"f99998\" (func $f99998))\n"
        "  (export \"f99999\" (func $f99999))\n" HEALTHY ")\n",
        f);
}

/* sel(i): entry i of the table targets label i % 3 (block $b0 is the
   innermost), and the default (i >= 100000) targets label 3. Leaving $bK
   returns 10 + K. */
static void gen_brtable(FILE *f) {
  fputs("(module\n  (func (export \"sel\") (param i32) (result i32)\n"
        "    (block $b3 (block $b2 (block $b1 (block $b0\n"
        "      (br_table ",
        f);
  for (unsigned i = 0; i < 100000; i++) fprintf(f, "%u ", i % 3);
  fputs("3 (local.get 0)))\n"
        "      (return (i32.const 10)))\n"
        "     (return (i32.const 11)))\n"
        "    (return (i32.const 12)))\n"
        "   (i32.const 13))\n" HEALTHY ")\n",
        f);
}

/* deep(x): 10,000 nested blocks; the innermost sets r = 1 and, if x is not
   0, branches out of all of them; otherwise it falls through and sets r = 2
   on the way out of the innermost block. */
static void gen_nest(FILE *f) {
  fputs("(module\n  (func (export \"deep\") (param i32) (result i32) (local $r i32)\n", f);
  repeat(f, "block", 10000);
  fputs("\n    i32.const 1 local.set $r local.get 0 br_if 9999\n", f);
  fputs("    i32.const 2 local.set $r\n", f);
  repeat(f, "end", 10000);
  fputs("\n    local.get $r)\n" HEALTHY ")\n", f);
}

/* A function of `n` i64 locals (plus its parameter) that recurses: deep
   stops at depth 0, forever never does. The last local is written so the
   frame is really used. */
static void gen_frame_funcs(FILE *f, const char *suffix, unsigned n) {
  fprintf(f, "  (func $deep%s (export \"deep%s\") (param $n i32) (result i32)\n    (local ",
          suffix, suffix);
  repeat(f, "i64", n);
  fprintf(f, ")\n    (local.set %u (i64.extend_i32_u (local.get $n)))\n"
             "    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))\n"
             "      (else (i32.add (i32.const 1)\n"
             "        (call $deep%s (i32.wrap_i64 (i64.sub (local.get %u) (i64.const 1))))))))\n",
          n, suffix, n);
  fprintf(f, "  (func $forever%s (export \"forever%s\") (param $n i32) (result i32)\n    (local ",
          suffix, suffix);
  repeat(f, "i64", n);
  fprintf(f, ")\n    (local.set %u (i64.extend_i32_u (local.get $n)))\n"
             "    (call $forever%s (i32.add (local.get $n) (i32.const 1))))\n",
          n, suffix);
}

static void gen_bigframe(FILE *f) {
  fputs("(module\n", f);
  gen_frame_funcs(f, "4k", 4000);
  gen_frame_funcs(f, "49k", 49000);
  fputs(HEALTHY ")\n", f);
}

int main(int argc, char **argv) {
  static const struct {
    const char *kind;
    void (*gen)(FILE *);
  } kinds[] = {{"locals100k", gen_locals}, {"funcs100k", gen_funcs},
               {"brtable100k", gen_brtable}, {"nest10k", gen_nest},
               {"bigframe", gen_bigframe}};
  if (argc != 3) {
    fprintf(stderr, "usage: gen_big KIND OUT.wat\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    if (strcmp(argv[1], kinds[i].kind) != 0) continue;
    FILE *f = fopen(argv[2], "w");
    if (!f) {
      perror(argv[2]);
      return 1;
    }
    kinds[i].gen(f);
    return fclose(f) == 0 ? 0 : 1;
  }
  fprintf(stderr, "gen_big: unknown kind '%s'\n", argv[1]);
  return 2;
}
