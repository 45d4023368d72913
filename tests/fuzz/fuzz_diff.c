/* SPDX-License-Identifier: Apache-2.0 */
/*
** libFuzzer target: the interpreter against the AOT tier.
**
** The input is not a module: it drives a generator that always writes a
** small *valid* module (random bytes almost never validate, so feeding
** them to both tiers would test the decoder, not the code generators):
**
**   - one memory of 1 page (max 3), a small active data segment;
**   - 1-4 mutable globals of any numeric type, all exported;
**   - 1-3 functions of 0-3 parameters and 0-2 results, whose bodies are
**     statements (local.set, global.set, stores, drop, if/else, counted
**     loops, blocks left by br_if, br_table switches, early returns,
**     calls, guarded unreachable, memory.grow) over expression trees of
**     numeric operators (all of them, trapping ones included), loads,
**     select, if with a result, local.tee, calls and memory.size/grow.
**     Function i only calls functions below i: no recursion, so every
**     call ends (loops are counted, and fuel bounds the rest anyway).
**
** The module is instantiated once per tier (two engines made once, the
** AOT one with its compile cache in FUZZ_DIFF_CACHE, default
** /tmp/wasmbox-fuzz-diff-cache), the same input-chosen calls are made on
** both, and everything observable must agree: each call's trap code or
** results (bit for bit, except that any two NaNs are equal), remaining
** fuel, and after the calls the memory (size and every byte) and globals.
** A difference prints both sides, writes the module to FUZZ_DIFF_FAIL
** (default ./fuzz_diff-fail.wasm) and aborts.
**
** NaN payloads and signs are not deterministic in WebAssembly, and can
** only become visible through f32/f64 stores, reinterpretations and
** copysign: the generator canonicalises the float operand of each of
** these (x != x ? canonical NaN : x, with select) so that legal payload
** differences are not reported. FUZZ_DIFF_RAW_NAN=1 turns that off.
** FUZZ_DIFF_NO_FUEL=1 skips the fuel comparison. Known differences are
** skipped unless FUZZ_DIFF_STRICT=1: fuel after a memory out-of-bounds
** trap (tests/regress/aot-diff-1.wat). FUZZ_DIFF_SAVE=PATH
** writes every generated module to PATH (to turn one input into a .wasm).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmbox.h"

#define DIFF_FUEL 2000000ull /* per call; ample for the bounded bodies */
#define MAX_FUNCS 3
#define MAX_PARAMS 3
#define MAX_RESULTS 2
#define MAX_GLOBALS 4
#define MAX_CALLS 4          /* host calls per input */
#define MAX_EXPR_DEPTH 4
#define MAX_NEST 2           /* nesting of control statements */
#define MAX_STMTS 6          /* statements per block */
#define FUNC_BUDGET 120      /* expression nodes and statements per function */
#define GENERAL_LOCALS 2     /* declared locals of each type */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* {====================== Byte writer ======================} */

typedef struct buf {
  uint8_t *p;
  size_t len, cap;
} buf_t;

static void put_n(buf_t *b, const void *src, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2 + 64;
    b->p = realloc(b->p, b->cap);
    if (!b->p) abort();
  }
  memcpy(b->p + b->len, src, n);
  b->len += n;
}

static void put(buf_t *b, uint8_t v) { put_n(b, &v, 1); }

static void put_uleb(buf_t *b, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    put(b, byte | (v ? 0x80 : 0));
  } while (v);
}

/* Signed LEB128; the shift of a negative value is arithmetic with gcc and
   clang, which is what the encoding needs. */
static void put_sleb(buf_t *b, int64_t v) {
  for (;;) {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    put(b, byte | (done ? 0 : 0x80));
    if (done) return;
  }
}

/* Appends section id with body as its contents, and empties body. */
static void put_section(buf_t *m, uint8_t id, buf_t *body) {
  put(m, id);
  put_uleb(m, body->len);
  put_n(m, body->p, body->len);
  body->len = 0;
}

/* {====================== Input ======================} */

typedef struct src {
  const uint8_t *p;
  size_t n, i;
} src_t;

/* Next input byte, 0 once the input is used up: every choice's 0 is its
   simplest option, so generation always ends. */
static uint8_t in_u8(src_t *s) { return s->i < s->n ? s->p[s->i++] : 0; }

static uint32_t in_below(src_t *s, uint32_t n) { return n ? in_u8(s) % n : 0; }

static uint64_t in_bytes(src_t *s, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v |= (uint64_t)in_u8(s) << (8 * i);
  return v;
}

/* {====================== Interesting values ======================} */

enum { T_I32, T_I64, T_F32, T_F64, T_COUNT };
static const uint8_t VALTYPE[T_COUNT] = {0x7f, 0x7e, 0x7d, 0x7c};

static const uint32_t I32_VALS[] = {
    0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 2, 31, 32, 33, 0xffff, 0x10000, 0xff,
    0x80, 0x8000, 0xfffffffe, 7};
static const uint64_t I64_VALS[] = {
    0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull, 63, 64, 65,
    0xffffffffull, 0x100000000ull, 0x80000000ull, 0xffffffff80000000ull, 2, 0xff,
    0xfffffffffffffffeull, 0x0123456789abcdefull};
static const uint32_t F32_VALS[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0xbf000000,
    0x3fc00000, 0x40200000, 0xc0200000, 0x7f800000, 0xff800000, 0x7fc00000,
    0xffc00000, 0x7fa00000, 0x7fc12345, 0x4f000000 /* 2^31 */, 0xcf000000,
    0x4effffff /* largest below 2^31 */, 0x4f800000 /* 2^32 */, 0x5f000000 /* 2^63 */,
    0xdf000000, 0x5f800000 /* 2^64 */, 0x00000001, 0x00800000, 0x7f7fffff,
    0xcf000001, 0x4f7fffff, 0xbf7fffff /* -0.99.. */, 0x3effffff, 0x4b000001,
    0xcb800001, 0x3f7fffff};
static const uint64_t F64_VALS[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
    0xbff0000000000000ull, 0x3fe0000000000000ull, 0xbfe0000000000000ull,
    0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0xfff8000000000000ull, 0x7ff4000000000000ull, 0x7ff8000000012345ull,
    0x41e0000000000000ull /* 2^31 */, 0xc1e0000000000000ull /* -2^31 */,
    0x41dfffffffffffffull, 0xc1e0000000200000ull /* -2^31 - 1 */,
    0xc1e00000001fffffull /* -2^31 - 0.99.. */, 0x41efffffffe00000ull /* 2^32 - 1 */,
    0x41f0000000000000ull /* 2^32 */, 0x43e0000000000000ull /* 2^63 */,
    0xc3e0000000000000ull, 0x43f0000000000000ull /* 2^64 */, 0x43dfffffffffffffull,
    0x0000000000000001ull, 0x0010000000000000ull, 0x7fefffffffffffffull,
    0x4330000000000001ull, 0xbfefffffffffffffull, 0x3fdfffffffffffffull};
static const uint32_t ADDRS[] = {
    0, 4, 8, 16, 1000, 65528, 65532, 65534, 65535, 65536, 65537, 131068,
    0x7fffffff, 0xfffffff8, 0xffffffff, 3};
static const uint32_t OFFSETS[] = {0, 0, 0, 0, 1, 4, 8, 100, 65535, 65536, 0xffffffff, 2};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* An interesting value of type t as raw bits, mostly from the tables. */
static uint64_t in_value(src_t *s, int t) {
  uint8_t c = in_u8(s);
  bool raw = c >= 0xe0;
  switch (t) {
  case T_I32: return raw ? in_bytes(s, 4) : I32_VALS[c % NELEM(I32_VALS)];
  case T_I64: return raw ? in_bytes(s, 8) : I64_VALS[c % NELEM(I64_VALS)];
  case T_F32: return raw ? in_bytes(s, 4) : F32_VALS[c % NELEM(F32_VALS)];
  default: return raw ? in_bytes(s, 8) : F64_VALS[c % NELEM(F64_VALS)];
  }
}

/* {====================== Operators ======================} */

enum { F_CANON = 1, F_CANON2 = 2 }; /* canonicalise all float operands / the 2nd */

typedef struct op {
  uint16_t code; /* 0xFC00 | n for the 0xFC prefix */
  uint8_t res, arg, nargs, flags;
} op_t;

/* Every numeric operator, by result type (the table is searched). */
static const op_t OPS[] = {
    /* i32 results */
    {0x67, T_I32, T_I32, 1, 0}, {0x68, T_I32, T_I32, 1, 0}, {0x69, T_I32, T_I32, 1, 0},
    {0x45, T_I32, T_I32, 1, 0}, {0xc0, T_I32, T_I32, 1, 0}, {0xc1, T_I32, T_I32, 1, 0},
    {0x6a, T_I32, T_I32, 2, 0}, {0x6b, T_I32, T_I32, 2, 0}, {0x6c, T_I32, T_I32, 2, 0},
    {0x6d, T_I32, T_I32, 2, 0}, {0x6e, T_I32, T_I32, 2, 0}, {0x6f, T_I32, T_I32, 2, 0},
    {0x70, T_I32, T_I32, 2, 0}, {0x71, T_I32, T_I32, 2, 0}, {0x72, T_I32, T_I32, 2, 0},
    {0x73, T_I32, T_I32, 2, 0}, {0x74, T_I32, T_I32, 2, 0}, {0x75, T_I32, T_I32, 2, 0},
    {0x76, T_I32, T_I32, 2, 0}, {0x77, T_I32, T_I32, 2, 0}, {0x78, T_I32, T_I32, 2, 0},
    {0x46, T_I32, T_I32, 2, 0}, {0x47, T_I32, T_I32, 2, 0}, {0x48, T_I32, T_I32, 2, 0},
    {0x49, T_I32, T_I32, 2, 0}, {0x4a, T_I32, T_I32, 2, 0}, {0x4b, T_I32, T_I32, 2, 0},
    {0x4c, T_I32, T_I32, 2, 0}, {0x4d, T_I32, T_I32, 2, 0}, {0x4e, T_I32, T_I32, 2, 0},
    {0x4f, T_I32, T_I32, 2, 0}, {0x50, T_I32, T_I64, 1, 0}, {0x51, T_I32, T_I64, 2, 0},
    {0x52, T_I32, T_I64, 2, 0}, {0x53, T_I32, T_I64, 2, 0}, {0x54, T_I32, T_I64, 2, 0},
    {0x55, T_I32, T_I64, 2, 0}, {0x56, T_I32, T_I64, 2, 0}, {0x57, T_I32, T_I64, 2, 0},
    {0x58, T_I32, T_I64, 2, 0}, {0x59, T_I32, T_I64, 2, 0}, {0x5a, T_I32, T_I64, 2, 0},
    {0x5b, T_I32, T_F32, 2, 0}, {0x5c, T_I32, T_F32, 2, 0}, {0x5d, T_I32, T_F32, 2, 0},
    {0x5e, T_I32, T_F32, 2, 0}, {0x5f, T_I32, T_F32, 2, 0}, {0x60, T_I32, T_F32, 2, 0},
    {0x61, T_I32, T_F64, 2, 0}, {0x62, T_I32, T_F64, 2, 0}, {0x63, T_I32, T_F64, 2, 0},
    {0x64, T_I32, T_F64, 2, 0}, {0x65, T_I32, T_F64, 2, 0}, {0x66, T_I32, T_F64, 2, 0},
    {0xa7, T_I32, T_I64, 1, 0}, {0xa8, T_I32, T_F32, 1, 0}, {0xa9, T_I32, T_F32, 1, 0},
    {0xaa, T_I32, T_F64, 1, 0}, {0xab, T_I32, T_F64, 1, 0}, {0xbc, T_I32, T_F32, 1, F_CANON},
    {0xfc00, T_I32, T_F32, 1, 0}, {0xfc01, T_I32, T_F32, 1, 0},
    {0xfc02, T_I32, T_F64, 1, 0}, {0xfc03, T_I32, T_F64, 1, 0},
    /* i64 results */
    {0x79, T_I64, T_I64, 1, 0}, {0x7a, T_I64, T_I64, 1, 0}, {0x7b, T_I64, T_I64, 1, 0},
    {0xc2, T_I64, T_I64, 1, 0}, {0xc3, T_I64, T_I64, 1, 0}, {0xc4, T_I64, T_I64, 1, 0},
    {0x7c, T_I64, T_I64, 2, 0}, {0x7d, T_I64, T_I64, 2, 0}, {0x7e, T_I64, T_I64, 2, 0},
    {0x7f, T_I64, T_I64, 2, 0}, {0x80, T_I64, T_I64, 2, 0}, {0x81, T_I64, T_I64, 2, 0},
    {0x82, T_I64, T_I64, 2, 0}, {0x83, T_I64, T_I64, 2, 0}, {0x84, T_I64, T_I64, 2, 0},
    {0x85, T_I64, T_I64, 2, 0}, {0x86, T_I64, T_I64, 2, 0}, {0x87, T_I64, T_I64, 2, 0},
    {0x88, T_I64, T_I64, 2, 0}, {0x89, T_I64, T_I64, 2, 0}, {0x8a, T_I64, T_I64, 2, 0},
    {0xac, T_I64, T_I32, 1, 0}, {0xad, T_I64, T_I32, 1, 0}, {0xae, T_I64, T_F32, 1, 0},
    {0xaf, T_I64, T_F32, 1, 0}, {0xb0, T_I64, T_F64, 1, 0}, {0xb1, T_I64, T_F64, 1, 0},
    {0xbd, T_I64, T_F64, 1, F_CANON}, {0xfc04, T_I64, T_F32, 1, 0},
    {0xfc05, T_I64, T_F32, 1, 0}, {0xfc06, T_I64, T_F64, 1, 0}, {0xfc07, T_I64, T_F64, 1, 0},
    /* f32 results */
    {0x8b, T_F32, T_F32, 1, 0}, {0x8c, T_F32, T_F32, 1, 0}, {0x8d, T_F32, T_F32, 1, 0},
    {0x8e, T_F32, T_F32, 1, 0}, {0x8f, T_F32, T_F32, 1, 0}, {0x90, T_F32, T_F32, 1, 0},
    {0x91, T_F32, T_F32, 1, 0}, {0x92, T_F32, T_F32, 2, 0}, {0x93, T_F32, T_F32, 2, 0},
    {0x94, T_F32, T_F32, 2, 0}, {0x95, T_F32, T_F32, 2, 0}, {0x96, T_F32, T_F32, 2, 0},
    {0x97, T_F32, T_F32, 2, 0}, {0x98, T_F32, T_F32, 2, F_CANON2},
    {0xb2, T_F32, T_I32, 1, 0}, {0xb3, T_F32, T_I32, 1, 0}, {0xb4, T_F32, T_I64, 1, 0},
    {0xb5, T_F32, T_I64, 1, 0}, {0xb6, T_F32, T_F64, 1, 0}, {0xbe, T_F32, T_I32, 1, 0},
    /* f64 results */
    {0x99, T_F64, T_F64, 1, 0}, {0x9a, T_F64, T_F64, 1, 0}, {0x9b, T_F64, T_F64, 1, 0},
    {0x9c, T_F64, T_F64, 1, 0}, {0x9d, T_F64, T_F64, 1, 0}, {0x9e, T_F64, T_F64, 1, 0},
    {0x9f, T_F64, T_F64, 1, 0}, {0xa0, T_F64, T_F64, 2, 0}, {0xa1, T_F64, T_F64, 2, 0},
    {0xa2, T_F64, T_F64, 2, 0}, {0xa3, T_F64, T_F64, 2, 0}, {0xa4, T_F64, T_F64, 2, 0},
    {0xa5, T_F64, T_F64, 2, 0}, {0xa6, T_F64, T_F64, 2, F_CANON2},
    {0xb7, T_F64, T_I32, 1, 0}, {0xb8, T_F64, T_I32, 1, 0}, {0xb9, T_F64, T_I64, 1, 0},
    {0xba, T_F64, T_I64, 1, 0}, {0xbb, T_F64, T_F32, 1, 0}, {0xbf, T_F64, T_I64, 1, 0},
};

typedef struct memop {
  uint8_t code, type, align; /* natural alignment, log2 */
} memop_t;

static const memop_t LOADS[] = {
    {0x28, T_I32, 2}, {0x2c, T_I32, 0}, {0x2d, T_I32, 0}, {0x2e, T_I32, 1},
    {0x2f, T_I32, 1}, {0x29, T_I64, 3}, {0x30, T_I64, 0}, {0x31, T_I64, 0},
    {0x32, T_I64, 1}, {0x33, T_I64, 1}, {0x34, T_I64, 2}, {0x35, T_I64, 2},
    {0x2a, T_F32, 2}, {0x2b, T_F64, 3}};
static const memop_t STORES[] = {
    {0x36, T_I32, 2}, {0x3a, T_I32, 0}, {0x3b, T_I32, 1}, {0x37, T_I64, 3},
    {0x3c, T_I64, 0}, {0x3d, T_I64, 1}, {0x3e, T_I64, 2}, {0x38, T_F32, 2},
    {0x39, T_F64, 3}};

/* {====================== Generator ======================} */

typedef struct sig {
  int np, nr;
  uint8_t params[MAX_PARAMS], results[MAX_RESULTS];
} sig_t;

typedef struct gen {
  src_t *in;
  buf_t *out;    /* the function body being written */
  bool raw_nan;  /* no canonicalisation (FUZZ_DIFF_RAW_NAN) */
  int nfuncs;
  sig_t sig[MAX_FUNCS];
  int nglobals;
  uint8_t gtype[MAX_GLOBALS];
  /* The function being generated. */
  int cur;
  int nlocals;   /* params + general locals: the ones statements may set */
  uint8_t ltype[MAX_PARAMS + 4 * GENERAL_LOCALS];
  int counter0;  /* first loop counter local (MAX_NEST of them) */
  int scratch[T_COUNT]; /* f32/f64 scratch locals of canonicalisation */
  int budget;
  int nest;      /* nesting of the statement block being generated */
} gen_t;

static void gen_expr(gen_t *g, int t, int depth);
static void gen_block(gen_t *g, int nest);

static void emit_const(gen_t *g, int t, uint64_t bits) {
  buf_t *b = g->out;
  switch (t) {
  case T_I32: put(b, 0x41); put_sleb(b, (int32_t)(uint32_t)bits); break;
  case T_I64: put(b, 0x42); put_sleb(b, (int64_t)bits); break;
  case T_F32: { uint32_t v = (uint32_t)bits; put(b, 0x43); put_n(b, &v, 4); break; }
  default: put(b, 0x44); put_n(b, &bits, 8); break;
  }
}

static void emit_op(gen_t *g, uint16_t code) {
  if (code >= 0xfc00) {
    put(g->out, 0xfc);
    put_uleb(g->out, code & 0xff);
  } else {
    put(g->out, (uint8_t)code);
  }
}

/* Replaces the float on top of the stack by the canonical NaN if it is a
   NaN: select(nan, x, x != x), through the type's scratch local. */
static void emit_canon(gen_t *g, int t) {
  if (g->raw_nan || (t != T_F32 && t != T_F64)) return;
  buf_t *b = g->out;
  int s = g->scratch[t];
  put(b, 0x21), put_uleb(b, s);
  emit_const(g, t, t == T_F32 ? 0x7fc00000u : 0x7ff8000000000000ull);
  put(b, 0x20), put_uleb(b, s);
  put(b, 0x20), put_uleb(b, s);
  put(b, 0x20), put_uleb(b, s);
  put(b, t == T_F32 ? 0x5c : 0x62); /* ne */
  put(b, 0x1b);
}

/* A general local of type t (params included), or -1. */
static int pick_local(gen_t *g, int t) {
  int idx[MAX_PARAMS + 4 * GENERAL_LOCALS], n = 0;
  for (int i = 0; i < g->nlocals; i++)
    if (g->ltype[i] == t) idx[n++] = i;
  return n ? idx[in_below(g->in, n)] : -1;
}

static int pick_global(gen_t *g, int t) {
  int idx[MAX_GLOBALS], n = 0;
  for (int i = 0; i < g->nglobals; i++)
    if (g->gtype[i] == t) idx[n++] = i;
  return n ? idx[in_below(g->in, n)] : -1;
}

/* A function below the current one with nr results (first result of type
   t when nr == 1 and t >= 0), or -1. */
static int pick_callee(gen_t *g, int nr, int t) {
  int idx[MAX_FUNCS], n = 0;
  for (int i = 0; i < g->cur; i++)
    if (nr < 0 || (g->sig[i].nr == nr && (t < 0 || g->sig[i].results[0] == t))) idx[n++] = i;
  return n ? idx[in_below(g->in, n)] : -1;
}

/* Arguments then the call of function f. */
static void emit_call(gen_t *g, int f, int depth) {
  for (int i = 0; i < g->sig[f].np; i++) gen_expr(g, g->sig[f].params[i], depth + 1);
  put(g->out, 0x10);
  put_uleb(g->out, f);
}

/* An address: a constant, or a computed i32 masked to stay near memory. */
static void gen_addr(gen_t *g, int depth) {
  static const uint32_t MASKS[] = {0xfff8, 0xffff, 0x1ffff, 0xffffffff};
  switch (in_below(g->in, 4)) {
  case 0: case 3: emit_const(g, T_I32, ADDRS[in_below(g->in, NELEM(ADDRS))]); break;
  case 1:
    gen_expr(g, T_I32, depth + 1);
    emit_const(g, T_I32, MASKS[in_below(g->in, NELEM(MASKS))]);
    put(g->out, 0x71);
    break;
  default: emit_const(g, T_I32, in_bytes(g->in, 4)); break;
  }
}

static void emit_memarg(gen_t *g, const memop_t *m) {
  put(g->out, m->code);
  put_uleb(g->out, in_below(g->in, m->align + 1u));
  put_uleb(g->out, OFFSETS[in_below(g->in, NELEM(OFFSETS))]);
}

static void gen_load(gen_t *g, int t, int depth) {
  const memop_t *pick[NELEM(LOADS)];
  int n = 0;
  for (size_t i = 0; i < NELEM(LOADS); i++)
    if (LOADS[i].type == t) pick[n++] = &LOADS[i];
  const memop_t *m = pick[in_below(g->in, n)];
  gen_addr(g, depth);
  emit_memarg(g, m);
}

static void gen_operator(gen_t *g, int t, int depth) {
  const op_t *pick[NELEM(OPS)];
  int n = 0;
  for (size_t i = 0; i < NELEM(OPS); i++)
    if (OPS[i].res == t) pick[n++] = &OPS[i];
  const op_t *op = pick[in_below(g->in, n)];
  for (int i = 0; i < op->nargs; i++) {
    gen_expr(g, op->arg, depth + 1);
    if ((op->flags & F_CANON) || ((op->flags & F_CANON2) && i == 1)) emit_canon(g, op->arg);
  }
  emit_op(g, op->code);
}

/* A leaf of type t: a constant, a local or a global. */
static void gen_leaf(gen_t *g, int t) {
  int i;
  switch (in_below(g->in, 3)) {
  case 1:
    if ((i = pick_local(g, t)) < 0) break;
    put(g->out, 0x20), put_uleb(g->out, i);
    return;
  case 2:
    if ((i = pick_global(g, t)) < 0) break;
    put(g->out, 0x23), put_uleb(g->out, i);
    return;
  }
  emit_const(g, t, in_value(g->in, t));
}

/* Code leaving exactly one value of type t on the stack. */
static void gen_expr(gen_t *g, int t, int depth) {
  if (depth >= MAX_EXPR_DEPTH || g->budget <= 0) {
    gen_leaf(g, t);
    return;
  }
  g->budget--;
  int f, l;
  switch (in_below(g->in, 12)) {
  case 0: gen_leaf(g, t); return;
  case 1: case 2: case 3: gen_operator(g, t, depth); return;
  case 4: gen_load(g, t, depth); return;
  case 5: /* select */
    gen_expr(g, t, depth + 1);
    gen_expr(g, t, depth + 1);
    gen_expr(g, T_I32, depth + 1);
    put(g->out, 0x1b);
    return;
  case 6:
    if ((f = pick_callee(g, 1, t)) < 0) break;
    emit_call(g, f, depth);
    return;
  case 7: /* if with a result, a statement block in the arms */
    gen_expr(g, T_I32, depth + 1);
    put(g->out, 0x04), put(g->out, VALTYPE[t]);
    if (g->nest < MAX_NEST && in_below(g->in, 2)) gen_block(g, g->nest + 1);
    gen_expr(g, t, depth + 1);
    put(g->out, 0x05);
    gen_expr(g, t, depth + 1);
    put(g->out, 0x0b);
    return;
  case 8:
    if ((l = pick_local(g, t)) < 0) break;
    gen_expr(g, t, depth + 1);
    put(g->out, 0x22), put_uleb(g->out, l);
    return;
  case 9:
    if (t != T_I32) break;
    if (in_below(g->in, 2)) {
      put(g->out, 0x3f), put(g->out, 0);
    } else {
      emit_const(g, T_I32, in_below(g->in, 3));
      put(g->out, 0x40), put(g->out, 0);
    }
    return;
  default: break;
  }
  gen_operator(g, t, depth);
}

/* Counted loop: counter = 1..8, body, decrement, br_if back. */
static void gen_loop(gen_t *g, int nest) {
  buf_t *b = g->out;
  int c = g->counter0 + nest;
  emit_const(g, T_I32, 1 + in_below(g->in, 8));
  put(b, 0x21), put_uleb(b, c);
  put(b, 0x03), put(b, 0x40);
  gen_block(g, nest + 1);
  put(b, 0x20), put_uleb(b, c);
  emit_const(g, T_I32, 1);
  put(b, 0x6b);
  put(b, 0x22), put_uleb(b, c);
  put(b, 0x0d), put(b, 0);
  put(b, 0x0b);
}

/* block { block { block { i32 br_table 0 1 2 } A } B }: a switch. */
static void gen_switch(gen_t *g, int nest) {
  buf_t *b = g->out;
  put(b, 0x02), put(b, 0x40);
  put(b, 0x02), put(b, 0x40);
  put(b, 0x02), put(b, 0x40);
  gen_expr(g, T_I32, 1);
  put(b, 0x0e), put_uleb(b, 2), put(b, 0), put(b, 1), put(b, 2);
  put(b, 0x0b);
  gen_block(g, nest + 1);
  put(b, 0x0b);
  gen_block(g, nest + 1);
  put(b, 0x0b);
}

/* if (cond) { results of the current function; return } */
static void gen_return(gen_t *g) {
  const sig_t *s = &g->sig[g->cur];
  gen_expr(g, T_I32, 1);
  put(g->out, 0x04), put(g->out, 0x40);
  for (int i = 0; i < s->nr; i++) gen_expr(g, s->results[i], 1);
  put(g->out, 0x0f);
  put(g->out, 0x0b);
}

/* One statement: leaves the stack as it found it. */
static void gen_stmt(gen_t *g, int nest) {
  buf_t *b = g->out;
  int t = in_below(g->in, T_COUNT), i;
  g->budget--;
  switch (in_below(g->in, 13)) {
  case 0: case 1:
    if ((i = pick_local(g, t)) < 0) break;
    gen_expr(g, t, 0);
    put(b, 0x21), put_uleb(b, i);
    return;
  case 2:
    if ((i = pick_global(g, t)) < 0) break;
    gen_expr(g, t, 0);
    put(b, 0x24), put_uleb(b, i);
    return;
  case 3: case 4: {
    const memop_t *m = &STORES[in_below(g->in, NELEM(STORES))];
    gen_addr(g, 0);
    gen_expr(g, m->type, 1);
    emit_canon(g, m->type);
    emit_memarg(g, m);
    return;
  }
  case 5:
    if (nest >= MAX_NEST) break;
    gen_expr(g, T_I32, 1);
    put(b, 0x04), put(b, 0x40);
    gen_block(g, nest + 1);
    if (in_below(g->in, 2)) put(b, 0x05), gen_block(g, nest + 1);
    put(b, 0x0b);
    return;
  case 6:
    if (nest >= MAX_NEST) break;
    gen_loop(g, nest);
    return;
  case 7: /* block { A; br_if 0 (cond); B } */
    if (nest >= MAX_NEST) break;
    put(b, 0x02), put(b, 0x40);
    gen_block(g, nest + 1);
    gen_expr(g, T_I32, 1);
    put(b, 0x0d), put(b, 0);
    gen_block(g, nest + 1);
    put(b, 0x0b);
    return;
  case 8:
    if ((i = pick_callee(g, -1, -1)) < 0) break;
    emit_call(g, i, 0);
    for (int r = 0; r < g->sig[i].nr; r++) put(b, 0x1a);
    return;
  case 9:
    if (nest >= MAX_NEST) break;
    gen_switch(g, nest);
    return;
  case 10: gen_return(g); return;
  case 11: /* if (cond) unreachable */
    gen_expr(g, T_I32, 1);
    put(b, 0x04), put(b, 0x40), put(b, 0x00), put(b, 0x0b);
    return;
  default: break;
  }
  gen_expr(g, t, 0);
  put(b, 0x1a);
}

/* Up to MAX_STMTS statements at nesting nest (which picks the counter of
   any loop among them, so nested loops never share one). */
static void gen_block(gen_t *g, int nest) {
  int n = in_below(g->in, MAX_STMTS + 1), outer = g->nest;
  g->nest = nest;
  for (int i = 0; i < n && g->budget > 0; i++) gen_stmt(g, nest);
  g->nest = outer;
}

/* Writes function f's body (locals and code, without its size). */
static void gen_func(gen_t *g, int f, buf_t *body) {
  const sig_t *s = &g->sig[f];
  g->cur = f;
  g->budget = FUNC_BUDGET;
  g->nlocals = 0;
  for (int i = 0; i < s->np; i++) g->ltype[g->nlocals++] = s->params[i];
  for (int t = 0; t < T_COUNT; t++)
    for (int i = 0; i < GENERAL_LOCALS; i++) g->ltype[g->nlocals++] = (uint8_t)t;
  g->counter0 = g->nlocals;
  g->scratch[T_F32] = g->counter0 + MAX_NEST;
  g->scratch[T_F64] = g->counter0 + MAX_NEST + 1;
  /* Local groups: 2 of each type, the counters, the two scratch locals. */
  put_uleb(body, T_COUNT + 3);
  for (int t = 0; t < T_COUNT; t++) put(body, GENERAL_LOCALS), put(body, VALTYPE[t]);
  put(body, MAX_NEST), put(body, 0x7f);
  put(body, 1), put(body, 0x7d);
  put(body, 1), put(body, 0x7c);
  g->out = body;
  gen_block(g, 0);
  for (int i = 0; i < s->nr; i++) gen_expr(g, s->results[i], 0);
  put(body, 0x0b);
}

static void gen_sigs(gen_t *g) {
  g->nfuncs = 1 + in_below(g->in, MAX_FUNCS);
  for (int f = 0; f < g->nfuncs; f++) {
    sig_t *s = &g->sig[f];
    s->np = in_below(g->in, MAX_PARAMS + 1);
    for (int i = 0; i < s->np; i++) s->params[i] = in_below(g->in, T_COUNT);
    uint32_t r = in_below(g->in, 5); /* 0: none, 1-3: one, 4: two */
    s->nr = r == 0 ? 0 : r == 4 ? 2 : 1;
    for (int i = 0; i < s->nr; i++) s->results[i] = in_below(g->in, T_COUNT);
  }
}

static void put_name(buf_t *b, char kind, int i) {
  char name[8];
  int n = snprintf(name, sizeof name, "%c%d", kind, i);
  put_uleb(b, n);
  put_n(b, name, n);
}

/* Type, function, memory, global and export sections. */
static void gen_header(gen_t *g, buf_t *m, buf_t *sec) {
  put_uleb(sec, g->nfuncs);
  for (int f = 0; f < g->nfuncs; f++) {
    put(sec, 0x60);
    put_uleb(sec, g->sig[f].np);
    for (int i = 0; i < g->sig[f].np; i++) put(sec, VALTYPE[g->sig[f].params[i]]);
    put_uleb(sec, g->sig[f].nr);
    for (int i = 0; i < g->sig[f].nr; i++) put(sec, VALTYPE[g->sig[f].results[i]]);
  }
  put_section(m, 1, sec);
  put_uleb(sec, g->nfuncs);
  for (int f = 0; f < g->nfuncs; f++) put_uleb(sec, f);
  put_section(m, 3, sec);
  put(sec, 1), put(sec, 1), put(sec, 1), put(sec, 3); /* memory 1 3 */
  put_section(m, 5, sec);
  g->nglobals = 1 + in_below(g->in, MAX_GLOBALS);
  put_uleb(sec, g->nglobals);
  for (int i = 0; i < g->nglobals; i++) {
    g->gtype[i] = in_below(g->in, T_COUNT);
    put(sec, VALTYPE[g->gtype[i]]), put(sec, 1);
    buf_t *save = g->out;
    g->out = sec;
    emit_const(g, g->gtype[i], in_value(g->in, g->gtype[i]));
    g->out = save;
    put(sec, 0x0b);
  }
  put_section(m, 6, sec);
  put_uleb(sec, g->nfuncs + g->nglobals + 1);
  for (int f = 0; f < g->nfuncs; f++) put_name(sec, 'f', f), put(sec, 0), put_uleb(sec, f);
  for (int i = 0; i < g->nglobals; i++) put_name(sec, 'g', i), put(sec, 3), put_uleb(sec, i);
  put_uleb(sec, 3), put_n(sec, "mem", 3), put(sec, 2), put(sec, 0);
  put_section(m, 7, sec);
}

/* Generates a whole module from the input into m. */
static void gen_module(gen_t *g, buf_t *m) {
  buf_t sec = {0}, body = {0};
  put_n(m, "\0asm\1\0\0\0", 8);
  gen_sigs(g);
  gen_header(g, m, &sec);
  put_uleb(&sec, g->nfuncs);
  for (int f = 0; f < g->nfuncs; f++) {
    gen_func(g, f, &body);
    put_uleb(&sec, body.len);
    put_n(&sec, body.p, body.len);
    body.len = 0;
  }
  put_section(m, 10, &sec);
  /* One active data segment of up to 16 input bytes. */
  static const uint32_t DATA_AT[] = {0, 8, 1000, 65520};
  uint32_t n = in_below(g->in, 17);
  put(&sec, 1), put(&sec, 0);
  emit_const(&(gen_t){.out = &sec}, T_I32, DATA_AT[in_below(g->in, 4)]);
  put(&sec, 0x0b);
  put_uleb(&sec, n);
  for (uint32_t i = 0; i < n; i++) put(&sec, in_u8(g->in));
  put_section(m, 11, &sec);
  free(sec.p);
  free(body.p);
}

/* {====================== Running one tier ======================} */

typedef struct call_out {
  int func;
  bool trapped;
  wb_trap_code_t code;
  size_t nres;
  wb_val_t res[MAX_RESULTS];
  uint64_t fuel;
} call_out_t;

typedef struct outcome {
  const char *engine;
  bool inst_failed;       /* instantiation trapped or failed */
  char inst_msg[200];
  int ncalls;
  call_out_t calls[MAX_CALLS];
  uint32_t pages;
  uint8_t *mem;           /* copy of memory 0 */
  size_t mem_len;
  int nglobals;
  wb_val_t globals[MAX_GLOBALS];
} outcome_t;

typedef struct plan {
  int ncalls;
  int func[MAX_CALLS];
  wb_val_t args[MAX_CALLS][MAX_PARAMS];
} plan_t;

static wb_val_t make_val(int t, uint64_t bits) {
  wb_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = (wb_valkind_t)VALTYPE[t];
  switch (t) {
  case T_I32: v.of.i32 = (int32_t)(uint32_t)bits; break;
  case T_I64: v.of.i64 = (int64_t)bits; break;
  case T_F32: { uint32_t b = (uint32_t)bits; memcpy(&v.of.f32, &b, 4); break; }
  default: memcpy(&v.of.f64, &bits, 8); break;
  }
  return v;
}

/* The calls made on both tiers, with their arguments, from the input. */
static void make_plan(gen_t *g, plan_t *p) {
  p->ncalls = 1 + in_below(g->in, MAX_CALLS);
  for (int c = 0; c < p->ncalls; c++) {
    int f = c < g->nfuncs && in_below(g->in, 2) == 0 ? g->nfuncs - 1 - c
                                                    : (int)in_below(g->in, g->nfuncs);
    p->func[c] = f;
    for (int i = 0; i < g->sig[f].np; i++)
      p->args[c][i] = make_val(g->sig[f].params[i], in_value(g->in, g->sig[f].params[i]));
  }
}

static void do_call(wb_store_t *store, wb_instance_t *inst, const plan_t *p, int c,
                    call_out_t *o) {
  char name[8];
  int n = snprintf(name, sizeof name, "f%d", p->func[c]);
  wb_extern_t ext;
  o->func = p->func[c];
  if (!wb_instance_export_get(inst, name, n, &ext)) abort();
  const wb_functype_t *t = wb_func_type(ext.of.func);
  size_t np = wb_functype_param_count(t);
  o->nres = wb_functype_result_count(t);
  for (size_t i = 0; i < o->nres; i++) o->res[i].kind = wb_functype_result(t, i);
  wb_trap_t *trap = NULL;
  wb_store_fuel_set(store, DIFF_FUEL);
  wb_error_t *err = wb_func_call(store, ext.of.func, p->args[c], np, o->res, o->nres, &trap);
  if (err) {
    fprintf(stderr, "fuzz_diff: call error: %s\n", wb_error_message(err));
    abort();
  }
  o->trapped = trap != NULL;
  o->code = trap ? wb_trap_code(trap) : 0;
  o->fuel = wb_store_fuel_get(store);
  wb_trap_delete(trap);
}

/* Instantiates m in a fresh store, makes the planned calls and records
   everything observable into o. */
static void run_tier(wb_engine_t *engine, const wb_module_t *m, const plan_t *p, int nglobals,
                     outcome_t *o) {
  wb_store_t *store = wb_store_new(engine);
  wb_linker_t *linker = wb_linker_new(store);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  wb_store_fuel_set(store, DIFF_FUEL);
  wb_error_t *err = wb_linker_instantiate(linker, m, &inst, &trap);
  if (err || trap) {
    o->inst_failed = true;
    snprintf(o->inst_msg, sizeof o->inst_msg, "%s",
             err ? wb_error_message(err) : wb_trap_message(trap));
  } else {
    for (int c = 0; c < p->ncalls; c++) do_call(store, inst, p, c, &o->calls[o->ncalls++]);
    wb_memory_t *mem = wb_instance_memory(inst);
    o->pages = wb_memory_pages(mem);
    o->mem_len = wb_memory_data_size(mem);
    o->mem = malloc(o->mem_len + 1);
    if (!o->mem) abort();
    memcpy(o->mem, wb_memory_data(mem), o->mem_len);
    o->nglobals = nglobals;
    for (int i = 0; i < nglobals; i++) {
      char name[8];
      int n = snprintf(name, sizeof name, "g%d", i);
      wb_extern_t ext;
      if (!wb_instance_export_get(inst, name, n, &ext)) abort();
      o->globals[i] = wb_global_get(ext.of.global);
    }
  }
  wb_error_delete(err);
  wb_trap_delete(trap);
  wb_linker_delete(linker);
  wb_store_delete(store);
}

/* {====================== Comparing ======================} */

static uint64_t val_bits(const wb_val_t *v) {
  uint64_t b = 0;
  switch (v->kind) {
  case WB_I32: return (uint32_t)v->of.i32;
  case WB_I64: return (uint64_t)v->of.i64;
  case WB_F32: { uint32_t x; memcpy(&x, &v->of.f32, 4); return x; }
  case WB_F64: memcpy(&b, &v->of.f64, 8); return b;
  default: return 0;
  }
}

static bool val_nan(const wb_val_t *v) {
  return (v->kind == WB_F32 && isnan(v->of.f32)) || (v->kind == WB_F64 && isnan(v->of.f64));
}

/* Bit-exact, except that any two NaNs are equal. */
static bool val_eq(const wb_val_t *a, const wb_val_t *b) {
  if (a->kind != b->kind) return false;
  if (val_nan(a) || val_nan(b)) return val_nan(a) && val_nan(b);
  return val_bits(a) == val_bits(b);
}

static void print_val(const wb_val_t *v) {
  fprintf(stderr, " %s:0x%llx", wb_valkind_name(v->kind), (unsigned long long)val_bits(v));
}

static void print_outcome(const outcome_t *o) {
  fprintf(stderr, "== %s\n", o->engine);
  if (o->inst_failed) {
    fprintf(stderr, "  instantiation failed: %s\n", o->inst_msg);
    return;
  }
  for (int c = 0; c < o->ncalls; c++) {
    const call_out_t *k = &o->calls[c];
    fprintf(stderr, "  call f%d: ", k->func);
    if (k->trapped) {
      fprintf(stderr, "trap %s", wb_trap_code_name(k->code));
    } else {
      fprintf(stderr, "ok");
      for (size_t i = 0; i < k->nres; i++) print_val(&k->res[i]);
    }
    fprintf(stderr, " (fuel left %llu)\n", (unsigned long long)k->fuel);
  }
  fprintf(stderr, "  memory: %u pages\n  globals:", o->pages);
  for (int i = 0; i < o->nglobals; i++) print_val(&o->globals[i]);
  fprintf(stderr, "\n");
}

/* First difference between the two outcomes, or NULL. */
static const char *compare(const outcome_t *a, const outcome_t *b, bool fuel, bool strict,
                           char *why, size_t whylen) {
  if (a->inst_failed != b->inst_failed) return "instantiation";
  if (a->inst_failed) return NULL;
  for (int c = 0; c < a->ncalls; c++) {
    const call_out_t *x = &a->calls[c], *y = &b->calls[c];
    snprintf(why, whylen, "call %d (f%d)", c, x->func);
    if (x->trapped != y->trapped || x->code != y->code) return why;
    bool known = !strict && x->trapped && x->code == WB_TRAP_MEMORY_OUT_OF_BOUNDS;
    if (fuel && !known && x->fuel != y->fuel) return strncat(why, ": fuel", whylen - strlen(why) - 1);
    if (x->trapped) continue;
    for (size_t i = 0; i < x->nres; i++)
      if (!val_eq(&x->res[i], &y->res[i])) return why;
  }
  if (a->pages != b->pages || a->mem_len != b->mem_len) return "memory size";
  for (size_t i = 0; i < a->mem_len; i++)
    if (a->mem[i] != b->mem[i]) {
      snprintf(why, whylen, "memory byte %zu: %#x vs %#x", i, a->mem[i], b->mem[i]);
      return why;
    }
  for (int i = 0; i < a->nglobals; i++)
    if (!val_eq(&a->globals[i], &b->globals[i])) {
      snprintf(why, whylen, "global g%d", i);
      return why;
    }
  return NULL;
}

/* {====================== Entry point ======================} */

static wb_engine_t *engine_interp, *engine_aot;

static void engines_init(void) {
  if (engine_interp) return;
  const char *dir = getenv("FUZZ_DIFF_CACHE");
  wb_config_t *ci = wb_config_new(), *ca = wb_config_new();
  wb_config_engine_set(ci, WB_ENGINE_INTERP);
  wb_config_engine_set(ca, WB_ENGINE_AOT);
  wb_config_cache_dir_set(ca, dir && *dir ? dir : "/tmp/wasmbox-fuzz-diff-cache");
  engine_interp = wb_engine_new(ci);
  engine_aot = wb_engine_new(ca);
}

static void write_file(const char *path, const buf_t *b) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(b->p, 1, b->len, f);
  fclose(f);
}

static bool env_on(const char *name) {
  const char *v = getenv(name);
  return v && *v && strcmp(v, "0") != 0;
}

/* Reports a difference (or a tier refusing a valid module) and aborts. */
static void fail(const char *what, const buf_t *wasm, const outcome_t *a, const outcome_t *b) {
  const char *path = getenv("FUZZ_DIFF_FAIL");
  if (!path || !*path) path = "fuzz_diff-fail.wasm";
  write_file(path, wasm);
  fprintf(stderr, "fuzz_diff: DIFFERENCE in %s (module written to %s)\n", what, path);
  if (a) print_outcome(a);
  if (b) print_outcome(b);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  engines_init();
  src_t in = {data, size, 0};
  gen_t g = {.in = &in, .raw_nan = env_on("FUZZ_DIFF_RAW_NAN")};
  buf_t wasm = {0};
  gen_module(&g, &wasm);
  plan_t plan;
  make_plan(&g, &plan);
  const char *save = getenv("FUZZ_DIFF_SAVE");
  if (save && *save) write_file(save, &wasm);

  wb_module_t *mi = NULL, *ma = NULL;
  wb_error_t *ei = wb_module_new(engine_interp, wasm.p, wasm.len, &mi);
  if (ei) {
    fprintf(stderr, "fuzz_diff: generated an invalid module: %s (offset %zu)\n",
            wb_error_message(ei), wb_error_offset(ei));
    fail("generator (invalid module)", &wasm, NULL, NULL);
  }
  wb_error_t *ea = wb_module_new(engine_aot, wasm.p, wasm.len, &ma);
  if (ea) {
    fprintf(stderr, "fuzz_diff: AOT refused a valid module: %s\n", wb_error_message(ea));
    fail("AOT compile", &wasm, NULL, NULL);
  }
  outcome_t oi = {.engine = "interp"}, oa = {.engine = "aot"};
  run_tier(engine_interp, mi, &plan, g.nglobals, &oi);
  run_tier(engine_aot, ma, &plan, g.nglobals, &oa);
  char why[128];
  const char *diff = compare(&oi, &oa, !env_on("FUZZ_DIFF_NO_FUEL"),
                             env_on("FUZZ_DIFF_STRICT"), why, sizeof why);
  if (diff) fail(diff, &wasm, &oi, &oa);
  free(oi.mem);
  free(oa.mem);
  wb_module_delete(mi);
  wb_module_delete(ma);
  free(wasm.p);
  return 0;
}
