/* SPDX-License-Identifier: Apache-2.0 */
/*
** genmod: writes a valid WebAssembly module whose code section is about
** SIZE bytes, for the instantiation benchmarks.
**
**   genmod SIZE OUT.wasm [SEED]
**
** The module has one page of memory, a mutable global, an empty exported
** `_start` and many functions with realistic bodies: locals of each number
** type, a counted loop whose body mixes loads and stores, integer and
** floating-point arithmetic, conversions, selects and branches, and
** guarded calls to earlier functions (a call graph without cycles). Every
** 32nd function is exported, and a table holds every function (as the
** function pointers of a C program do), so all of them are live: an
** ahead-of-time compiler cannot drop any as unreachable. The bytes are a
** deterministic function of SIZE and SEED.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
  uint8_t *p;
  size_t len, cap;
} buf_t;

static void put(buf_t *b, uint8_t byte) {
  if (b->len == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 256;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { perror("genmod"); exit(1); }
  }
  b->p[b->len++] = byte;
}

static void put_bytes(buf_t *b, const void *src, size_t n) {
  for (size_t i = 0; i < n; i++) put(b, ((const uint8_t *)src)[i]);
}

static void put_u32(buf_t *b, uint32_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    put(b, byte | (v ? 0x80 : 0));
  } while (v);
}

static void put_s64(buf_t *b, int64_t v) {
  for (;;) {
    uint8_t byte = v & 0x7f;
    v >>= 7; /* arithmetic shift: gcc and clang define it */
    if ((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40))) { put(b, byte); return; }
    put(b, byte | 0x80);
  }
}

static void put_name(buf_t *b, const char *s) {
  put_u32(b, (uint32_t)strlen(s));
  put_bytes(b, s, strlen(s));
}

/* Appends section id with the contents of body, then empties body. */
static void put_section(buf_t *out, uint8_t id, buf_t *body) {
  put(out, id);
  put_u32(out, (uint32_t)body->len);
  put_bytes(out, body->p, body->len);
  body->len = 0;
}

static uint32_t rng = 1;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng % n;
}

/* Locals of the worker type (i32 a, i32 n) -> i32: 2 i32, 3 i32, 4 i64, 5 f64. */
enum { L_A, L_N, L_I, L_T, L_X, L_F };

static void i32c(buf_t *b, int32_t v) { put(b, 0x41); put_s64(b, v); }
static void get(buf_t *b, uint32_t l) { put(b, 0x20); put_u32(b, l); }
static void set(buf_t *b, uint32_t l) { put(b, 0x21); put_u32(b, l); }

/* Address in the first page: (i & mask), aligned to 8. */
static void addr(buf_t *b) { get(b, L_I); i32c(b, 0xfff8); put(b, 0x71); }

/* One statement of a loop body, chosen at random from a few shapes. */
static void statement(buf_t *b) {
  switch (rnd(6)) {
  case 0: /* t = load(addr) + n * k */
    addr(b); put(b, 0x28); put(b, 2); put_u32(b, rnd(64) * 4);
    get(b, L_N); i32c(b, (int32_t)rnd(100000) - 50000); put(b, 0x6c); put(b, 0x6a); set(b, L_T);
    break;
  case 1: /* store(addr, t ^ k) */
    addr(b); get(b, L_T); i32c(b, (int32_t)rnd(1u << 30)); put(b, 0x73);
    put(b, 0x36); put(b, 2); put_u32(b, rnd(64) * 4);
    break;
  case 2: /* x = (x + extend(t)) * k */
    get(b, L_X); get(b, L_T); put(b, 0xad); put(b, 0x7c);
    put(b, 0x42); put_s64(b, (int64_t)rnd(1u << 31) * 7 + 1); put(b, 0x7e); set(b, L_X);
    break;
  case 3: /* f = f * c + convert(t) */
    get(b, L_F); put(b, 0x44);
    { double c = 1.0 + rnd(1000) / 1000.0; put_bytes(b, &c, 8); }
    put(b, 0xa2); get(b, L_T); put(b, 0xb7); put(b, 0xa0); set(b, L_F);
    break;
  case 4: /* t = select(t, a, t < k) with a rotate */
    get(b, L_T); i32c(b, (int32_t)rnd(31) + 1); put(b, 0x77);
    get(b, L_A); get(b, L_T); i32c(b, (int32_t)rnd(1000)); put(b, 0x48); put(b, 0x1b); set(b, L_T);
    break;
  default: /* global += t, if t is odd */
    get(b, L_T); i32c(b, 1); put(b, 0x71); put(b, 0x04); put(b, 0x40);
    put(b, 0x23); put(b, 0); get(b, L_T); put(b, 0x6a); put(b, 0x24); put(b, 0);
    put(b, 0x0b);
    break;
  }
}

/* Body of worker function `self` (function index), into b. */
static void worker_body(buf_t *b, uint32_t self) {
  put(b, 3);                         /* local declarations */
  put(b, 2); put(b, 0x7f);
  put(b, 1); put(b, 0x7e);
  put(b, 1); put(b, 0x7c);
  get(b, L_A); set(b, L_I);
  put(b, 0x02); put(b, 0x40);        /* block */
  put(b, 0x03); put(b, 0x40);        /* loop */
  for (uint32_t s = 2 + rnd(8); s > 0; s--) statement(b);
  get(b, L_I); i32c(b, 1); put(b, 0x6a); put(b, 0x22); put_u32(b, L_I); /* tee */
  get(b, L_N); put(b, 0x49); put(b, 0x0d); put(b, 0);                     /* br_if loop */
  put(b, 0x0b); put(b, 0x0b);
  if (self > 1) { /* if ((a & 3) == 0) t = call earlier(i, t) */
    get(b, L_A); i32c(b, 3); put(b, 0x71); put(b, 0x45); put(b, 0x04); put(b, 0x40);
    get(b, L_I); get(b, L_T); put(b, 0x10); put_u32(b, 1 + rnd(self - 1)); set(b, L_T);
    put(b, 0x0b);
  }
  get(b, L_T); get(b, L_X); put(b, 0xa7); put(b, 0x6a);             /* t + wrap(x) */
  get(b, L_F); put(b, 0xbd); put(b, 0xa7); put(b, 0x73);            /* ^ wrap(bits f) */
  put(b, 0x0b);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: genmod SIZE OUT.wasm [SEED]\n");
    return 2;
  }
  size_t target = strtoul(argv[1], NULL, 0);
  rng = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) | 1 : 12345;

  /* Bodies first, to know how many functions there are. */
  buf_t code = {0}, body = {0};
  uint32_t nfuncs = 1;
  put_u32(&body, 0); put(&body, 0x0b);            /* _start: empty */
  put_u32(&code, (uint32_t)body.len); put_bytes(&code, body.p, body.len); body.len = 0;
  while (code.len < target || nfuncs < 2) {
    worker_body(&body, nfuncs);
    put_u32(&code, (uint32_t)body.len); put_bytes(&code, body.p, body.len); body.len = 0;
    nfuncs++;
  }

  buf_t out = {0}, sec = {0};
  put_bytes(&out, "\0asm\1\0\0\0", 8);
  put(&sec, 2);                                   /* types */
  put(&sec, 0x60); put(&sec, 0); put(&sec, 0);
  put(&sec, 0x60); put(&sec, 2); put(&sec, 0x7f); put(&sec, 0x7f); put(&sec, 1); put(&sec, 0x7f);
  put_section(&out, 1, &sec);
  put_u32(&sec, nfuncs);                          /* functions */
  put(&sec, 0);
  for (uint32_t i = 1; i < nfuncs; i++) put(&sec, 1);
  put_section(&out, 3, &sec);
  put(&sec, 1); put(&sec, 0x70); put(&sec, 0); put_u32(&sec, nfuncs); /* table */
  put_section(&out, 4, &sec);
  put(&sec, 1); put(&sec, 0); put(&sec, 1);       /* memory 1 */
  put_section(&out, 5, &sec);
  put(&sec, 1); put(&sec, 0x7f); put(&sec, 1); i32c(&sec, 0); put(&sec, 0x0b); /* global */
  put_section(&out, 6, &sec);
  uint32_t nexports = 2 + (nfuncs - 1) / 32;      /* exports */
  put_u32(&sec, nexports);
  put_name(&sec, "_start"); put(&sec, 0); put(&sec, 0);
  put_name(&sec, "memory"); put(&sec, 2); put(&sec, 0);
  for (uint32_t i = 32; i < nfuncs; i += 32) {
    char name[32];
    snprintf(name, sizeof name, "f%u", i);
    put_name(&sec, name); put(&sec, 0); put_u32(&sec, i);
  }
  put_section(&out, 7, &sec);
  put(&sec, 1); put(&sec, 0); i32c(&sec, 0); put(&sec, 0x0b); /* elem: every function */
  put_u32(&sec, nfuncs);
  for (uint32_t i = 0; i < nfuncs; i++) put_u32(&sec, i);
  put_section(&out, 9, &sec);
  put_u32(&sec, nfuncs);                          /* code */
  put_bytes(&sec, code.p, code.len);
  put_section(&out, 10, &sec);

  FILE *f = fopen(argv[2], "wb");
  if (!f || fwrite(out.p, 1, out.len, f) != out.len || fclose(f) != 0) {
    perror(argv[2]);
    return 1;
  }
  free(out.p); free(sec.p); free(code.p); free(body.p);
  return 0;
}
