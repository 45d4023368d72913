/* SPDX-License-Identifier: Apache-2.0 */
/*
** Numeric semantics of WebAssembly that C does not give directly: counting
** bits of zero, rotations, trapping division and float-to-int conversion,
** NaN-propagating min/max and sign manipulation on bit patterns. Every
** helper is static inline so the interpreter's handlers stay one line.
** Trapping helpers return 0 or a wb_trap_code_t and write *r only on success.
*/
#ifndef WB_WASM_NUMERIC_H
#define WB_WASM_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "wasmbox.h"

static inline uint32_t num_clz32(uint32_t a) { return a ? (uint32_t)__builtin_clz(a) : 32; }
static inline uint32_t num_ctz32(uint32_t a) { return a ? (uint32_t)__builtin_ctz(a) : 32; }
static inline uint64_t num_clz64(uint64_t a) { return a ? (uint64_t)__builtin_clzll(a) : 64; }
static inline uint64_t num_ctz64(uint64_t a) { return a ? (uint64_t)__builtin_ctzll(a) : 64; }

static inline uint32_t num_rotl32(uint32_t a, uint32_t b) {
  b &= 31;
  return (a << b) | (a >> ((32 - b) & 31));
}
static inline uint32_t num_rotr32(uint32_t a, uint32_t b) {
  b &= 31;
  return (a >> b) | (a << ((32 - b) & 31));
}
static inline uint64_t num_rotl64(uint64_t a, uint64_t b) {
  b &= 63;
  return (a << b) | (a >> ((64 - b) & 63));
}
static inline uint64_t num_rotr64(uint64_t a, uint64_t b) {
  b &= 63;
  return (a >> b) | (a << ((64 - b) & 63));
}

/* {====================== Trapping integer division ======================} */

static inline int num_div_s32(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  if (a == 0x80000000u && b == 0xFFFFFFFFu) return WB_TRAP_INTEGER_OVERFLOW;
  *r = (uint32_t)((int32_t)a / (int32_t)b);
  return 0;
}
static inline int num_div_u32(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  *r = a / b;
  return 0;
}
/* INT_MIN % -1 is 0 in wasm but undefined in C. */
static inline int num_rem_s32(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  *r = b == 0xFFFFFFFFu ? 0 : (uint32_t)((int32_t)a % (int32_t)b);
  return 0;
}
static inline int num_rem_u32(uint32_t a, uint32_t b, uint32_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  *r = a % b;
  return 0;
}
static inline int num_div_s64(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  if (a == 0x8000000000000000ull && b == ~0ull) return WB_TRAP_INTEGER_OVERFLOW;
  *r = (uint64_t)((int64_t)a / (int64_t)b);
  return 0;
}
static inline int num_div_u64(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  *r = a / b;
  return 0;
}
static inline int num_rem_s64(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  *r = b == ~0ull ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
  return 0;
}
static inline int num_rem_u64(uint64_t a, uint64_t b, uint64_t *r) {
  if (b == 0) return WB_TRAP_INTEGER_DIVIDE_BY_ZERO;
  *r = a % b;
  return 0;
}

/* {====================== Float bits ======================} */

static inline uint32_t num_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static inline uint64_t num_f64_bits(double f) {
  uint64_t u;
  memcpy(&u, &f, 8);
  return u;
}
static inline float num_f32_from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static inline double num_f64_from_bits(uint64_t u) {
  double f;
  memcpy(&f, &u, 8);
  return f;
}
/* Sign operations act on the bit pattern only, NaN payloads included. */
static inline float num_f32_abs(float a) { return num_f32_from_bits(num_f32_bits(a) & 0x7FFFFFFFu); }
static inline float num_f32_neg(float a) { return num_f32_from_bits(num_f32_bits(a) ^ 0x80000000u); }
static inline float num_f32_copysign(float a, float b) {
  return num_f32_from_bits((num_f32_bits(a) & 0x7FFFFFFFu) | (num_f32_bits(b) & 0x80000000u));
}
static inline double num_f64_abs(double a) {
  return num_f64_from_bits(num_f64_bits(a) & 0x7FFFFFFFFFFFFFFFull);
}
static inline double num_f64_neg(double a) {
  return num_f64_from_bits(num_f64_bits(a) ^ 0x8000000000000000ull);
}
static inline double num_f64_copysign(double a, double b) {
  return num_f64_from_bits((num_f64_bits(a) & 0x7FFFFFFFFFFFFFFFull) |
                           (num_f64_bits(b) & 0x8000000000000000ull));
}

/* Rounding functions may hand a signalling NaN back unchanged; wasm wants
   it quieted (an arithmetic NaN). */
#define num_f32_round(fn, a) ((a) != (a) ? (a) + (a) : fn(a))
#define num_f64_round(fn, a) ((a) != (a) ? (a) + (a) : fn(a))

/* min/max: any NaN operand gives NaN; -0 is smaller than +0. */
static inline float num_f32_min(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return num_f32_from_bits(num_f32_bits(a) | num_f32_bits(b));
  return a < b ? a : b;
}
static inline float num_f32_max(float a, float b) {
  if (a != a || b != b) return a + b;
  if (a == b) return num_f32_from_bits(num_f32_bits(a) & num_f32_bits(b));
  return a > b ? a : b;
}
static inline double num_f64_min(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return num_f64_from_bits(num_f64_bits(a) | num_f64_bits(b));
  return a < b ? a : b;
}
static inline double num_f64_max(double a, double b) {
  if (a != a || b != b) return a + b;
  if (a == b) return num_f64_from_bits(num_f64_bits(a) & num_f64_bits(b));
  return a > b ? a : b;
}

/* {====================== Float to integer ======================} */
/*
** Each conversion is valid when lo < x < hi with exclusive bounds chosen so
** that every float strictly inside truncates to a representable integer.
*/
#define NUM_TRUNC(name, F, I, lo, hi)                          \
  static inline int name(F x, I *r) {                          \
    if (x != x) return WB_TRAP_INVALID_CONVERSION;             \
    if (!(x > (F)(lo) && x < (F)(hi))) return WB_TRAP_INTEGER_OVERFLOW; \
    *r = (I)x;                                                 \
    return 0;                                                  \
  }
#define NUM_TRUNC_S(name, F, I, S, lo, hi)                     \
  static inline int name(F x, I *r) {                          \
    if (x != x) return WB_TRAP_INVALID_CONVERSION;             \
    if (!(x >= (F)(lo) && x < (F)(hi))) return WB_TRAP_INTEGER_OVERFLOW; \
    *r = (I)(S)x;                                              \
    return 0;                                                  \
  }
NUM_TRUNC_S(num_i32_trunc_f32_s, float, uint32_t, int32_t, -2147483648.0, 2147483648.0)
NUM_TRUNC(num_i32_trunc_f32_u, float, uint32_t, -1.0, 4294967296.0)
NUM_TRUNC(num_i32_trunc_f64_u, double, uint32_t, -1.0, 4294967296.0)
NUM_TRUNC_S(num_i64_trunc_f32_s, float, uint64_t, int64_t, -9223372036854775808.0,
            9223372036854775808.0)
NUM_TRUNC(num_i64_trunc_f32_u, float, uint64_t, -1.0, 18446744073709551616.0)
NUM_TRUNC_S(num_i64_trunc_f64_s, double, uint64_t, int64_t, -9223372036854775808.0,
            9223372036854775808.0)
NUM_TRUNC(num_i64_trunc_f64_u, double, uint64_t, -1.0, 18446744073709551616.0)

/* -2147483648.9 truncates to INT32_MIN, so the lower bound is exclusive. */
static inline int num_i32_trunc_f64_s(double x, uint32_t *r) {
  if (x != x) return WB_TRAP_INVALID_CONVERSION;
  if (!(x > -2147483649.0 && x < 2147483648.0)) return WB_TRAP_INTEGER_OVERFLOW;
  *r = (uint32_t)(int32_t)x;
  return 0;
}

/* Saturating forms: NaN is 0, out of range clamps. */
#define NUM_TRUNC_SAT(name, F, I, trunc, lo_val, hi_val)       \
  static inline I name(F x) {                                  \
    I r;                                                       \
    int t = trunc(x, &r);                                      \
    if (!t) return r;                                          \
    if (x != x) return 0;                                      \
    return x < 0 ? (I)(lo_val) : (I)(hi_val);                  \
  }
NUM_TRUNC_SAT(num_i32_trunc_sat_f32_s, float, uint32_t, num_i32_trunc_f32_s, 0x80000000u, 0x7FFFFFFFu)
NUM_TRUNC_SAT(num_i32_trunc_sat_f32_u, float, uint32_t, num_i32_trunc_f32_u, 0, 0xFFFFFFFFu)
NUM_TRUNC_SAT(num_i32_trunc_sat_f64_s, double, uint32_t, num_i32_trunc_f64_s, 0x80000000u, 0x7FFFFFFFu)
NUM_TRUNC_SAT(num_i32_trunc_sat_f64_u, double, uint32_t, num_i32_trunc_f64_u, 0, 0xFFFFFFFFu)
NUM_TRUNC_SAT(num_i64_trunc_sat_f32_s, float, uint64_t, num_i64_trunc_f32_s, 0x8000000000000000ull,
              0x7FFFFFFFFFFFFFFFull)
NUM_TRUNC_SAT(num_i64_trunc_sat_f32_u, float, uint64_t, num_i64_trunc_f32_u, 0, ~0ull)
NUM_TRUNC_SAT(num_i64_trunc_sat_f64_s, double, uint64_t, num_i64_trunc_f64_s, 0x8000000000000000ull,
              0x7FFFFFFFFFFFFFFFull)
NUM_TRUNC_SAT(num_i64_trunc_sat_f64_u, double, uint64_t, num_i64_trunc_f64_u, 0, ~0ull)

#endif
