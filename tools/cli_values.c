/* SPDX-License-Identifier: Apache-2.0 */
/*
** Value text for the CLI: parsing arguments by their parameter kind and
** printing results. Floats are handled through their bit patterns so that
** signs of zero and NaN payloads survive both directions.
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* IEEE-754 layouts: sign bit, exponent mask, mantissa mask, quiet bit. */
#define F32_SIGN 0x80000000u
#define F32_EXP 0x7f800000u
#define F32_MANT 0x007fffffu
#define F32_QUIET 0x00400000u
#define F64_SIGN 0x8000000000000000ull
#define F64_EXP 0x7ff0000000000000ull
#define F64_MANT 0x000fffffffffffffull
#define F64_QUIET 0x0008000000000000ull

/* {====================== Parsing ======================} */

static int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99; /* larger than any base */
}

/* Parses an unsigned magnitude: decimal, or hex after 0x. The whole string
   must be digits; overflow of 64 bits fails. */
static bool parse_magnitude(const char *s, uint64_t *out) {
  unsigned base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (*s == '\0') return false;
  uint64_t v = 0;
  for (; *s; s++) {
    unsigned d = (unsigned)digit_value(*s);
    if (d >= base) return false;
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  *out = v;
  return true;
}

/* Parses an integer of `bits` (32 or 64) bits, accepting the signed range
   and the unsigned range; the result is the two's complement bit pattern. */
static bool parse_int(const char *s, unsigned bits, uint64_t *out) {
  bool neg = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') s++;
  uint64_t mag;
  if (!parse_magnitude(s, &mag)) return false;
  uint64_t umax = bits == 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
  if (!neg) {
    if (mag > umax) return false;
    *out = mag;
    return true;
  }
  if (mag > (uint64_t)1 << (bits - 1)) return false; /* below the signed min */
  *out = (0 - mag) & umax;
  return true;
}

/* The text of a NaN payload after "nan:", as an integer in (0, mask]. */
static bool parse_payload(const char *s, uint64_t mask, uint64_t *out) {
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
  uint64_t p;
  if (!parse_magnitude(s, &p) || p == 0 || p > mask) return false;
  *out = p;
  return true;
}

/* Classifies the unsigned text of a float: 1 for inf, 2 for nan (payload in
   *payload, 0 meaning canonical), 0 for an ordinary number, -1 if it is a
   "nan:" with a bad payload. */
static int float_special(const char *s, uint64_t mask, uint64_t *payload) {
  *payload = 0;
  if (strcmp(s, "inf") == 0 || strcmp(s, "infinity") == 0) return 1;
  if (strcmp(s, "nan") == 0) return 2;
  if (strncmp(s, "nan:", 4) == 0) return parse_payload(s + 4, mask, payload) ? 2 : -1;
  return 0;
}

/* strtod/strtof also take leading spaces, "inf", "nan(...)" and the like;
   ordinary numbers must start with a digit or a point. */
static bool plain_number_start(const char *s) {
  return (*s >= '0' && *s <= '9') || *s == '.';
}

static bool parse_f32(const char *s, uint32_t *bits) {
  uint32_t sign = s[0] == '-' ? F32_SIGN : 0;
  if (s[0] == '-' || s[0] == '+') s++;
  uint64_t payload;
  switch (float_special(s, F32_MANT, &payload)) {
  case 1: *bits = sign | F32_EXP; return true;
  case 2: *bits = sign | F32_EXP | (payload ? (uint32_t)payload : F32_QUIET); return true;
  case -1: return false;
  default: break;
  }
  if (!plain_number_start(s)) return false;
  char *end;
  errno = 0;
  float f = strtof(s, &end);
  if (*end != '\0' || end == s || isinf(f)) return false; /* garbage or overflow */
  memcpy(bits, &f, sizeof f);
  *bits |= sign;
  return true;
}

static bool parse_f64(const char *s, uint64_t *bits) {
  uint64_t sign = s[0] == '-' ? F64_SIGN : 0;
  if (s[0] == '-' || s[0] == '+') s++;
  uint64_t payload;
  switch (float_special(s, F64_MANT, &payload)) {
  case 1: *bits = sign | F64_EXP; return true;
  case 2: *bits = sign | F64_EXP | (payload ? payload : F64_QUIET); return true;
  case -1: return false;
  default: break;
  }
  if (!plain_number_start(s)) return false;
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (*end != '\0' || end == s || isinf(d)) return false;
  memcpy(bits, &d, sizeof d);
  *bits |= sign;
  return true;
}

bool cli_val_parse(const char *text, wb_valkind_t kind, wb_val_t *out) {
  uint64_t u;
  uint32_t b32;
  out->kind = kind;
  switch (kind) {
  case WB_I32:
    if (!parse_int(text, 32, &u)) return false;
    out->of.i32 = (int32_t)(uint32_t)u;
    return true;
  case WB_I64:
    if (!parse_int(text, 64, &u)) return false;
    out->of.i64 = (int64_t)u;
    return true;
  case WB_F32:
    if (!parse_f32(text, &b32)) return false;
    memcpy(&out->of.f32, &b32, sizeof b32);
    return true;
  case WB_F64:
    if (!parse_f64(text, &u)) return false;
    memcpy(&out->of.f64, &u, sizeof u);
    return true;
  case WB_FUNCREF:
    out->of.funcref = NULL;
    return strcmp(text, "null") == 0;
  case WB_EXTERNREF:
    out->of.externref = NULL;
    return strcmp(text, "null") == 0;
  default:
    return false; /* v128 has no representation in wb_val_t */
  }
}

/* {====================== Printing ======================} */

/* Writes a NaN or an infinity: exp_all_ones has been checked by the caller. */
static void format_special(char *buf, size_t size, bool neg, uint64_t mant,
                           uint64_t quiet) {
  const char *sign = neg ? "-" : "";
  if (mant == 0)
    snprintf(buf, size, "%sinf", sign);
  else if (mant == quiet)
    snprintf(buf, size, "%snan", sign);
  else
    snprintf(buf, size, "%snan:0x%" PRIx64, sign, mant);
}

/* Shortest %g form that strtof maps back to the same bits. */
static void format_f32(char *buf, size_t size, uint32_t bits) {
  if ((bits & F32_EXP) == F32_EXP) {
    format_special(buf, size, bits & F32_SIGN, bits & F32_MANT, F32_QUIET);
    return;
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  for (int prec = 1; prec <= 9; prec++) {
    snprintf(buf, size, "%.*g", prec, (double)f);
    float back = strtof(buf, NULL);
    if (memcmp(&back, &f, sizeof f) == 0) return;
  }
}

/* Shortest %g form that strtod maps back to the same bits. */
static void format_f64(char *buf, size_t size, uint64_t bits) {
  if ((bits & F64_EXP) == F64_EXP) {
    format_special(buf, size, bits & F64_SIGN, bits & F64_MANT, F64_QUIET);
    return;
  }
  double d;
  memcpy(&d, &bits, sizeof d);
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, size, "%.*g", prec, d);
    double back = strtod(buf, NULL);
    if (memcmp(&back, &d, sizeof d) == 0) return;
  }
}

void cli_val_format(const wb_val_t *v, char *buf, size_t size) {
  uint32_t b32;
  uint64_t b64;
  switch (v->kind) {
  case WB_I32: snprintf(buf, size, "%" PRId32, v->of.i32); break;
  case WB_I64: snprintf(buf, size, "%" PRId64, v->of.i64); break;
  case WB_F32:
    memcpy(&b32, &v->of.f32, sizeof b32);
    format_f32(buf, size, b32);
    break;
  case WB_F64:
    memcpy(&b64, &v->of.f64, sizeof b64);
    format_f64(buf, size, b64);
    break;
  case WB_FUNCREF: snprintf(buf, size, "%s", v->of.funcref ? "ref" : "null"); break;
  case WB_EXTERNREF: snprintf(buf, size, "%s", v->of.externref ? "ref" : "null"); break;
  default: snprintf(buf, size, "<%s>", wb_valkind_name(v->kind)); break;
  }
}
