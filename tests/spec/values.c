/* SPDX-License-Identifier: Apache-2.0 */
/*
** Values of the spec test JSON: wast2json writes every number as the
** unsigned decimal of its bit pattern ("4294967295" is i32 -1, floats are
** their IEEE bits), NaN expectations as "nan:canonical"/"nan:arithmetic",
** and references as "null" or a host number. `ref.extern N` travels as the
** host pointer N + 1, so that ref.extern 0 differs from ref.null.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

/* Placeholder for a NUL byte in names. cJSON strings end at the first NUL,
   so spec_json_parse rewrites each "\u0000" escape to a raw 0xFF byte,
   which valid UTF-8 (and so every wasm name) never contains, and cJSON
   copies through untouched. (U+10FFFF would not do: names.wast uses it.) */
#define NUL_MARK '\xFF'

/* {====================== Parsing ======================} */

/* Parses the unsigned decimal in s (the whole string) into *out. */
static bool parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return false;
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return false;
  *out = v;
  return true;
}

/* Maps a JSON type name to a value kind; false for unknown or v128. */
static bool parse_kind(const char *type, wb_valkind_t *out) {
  static const struct {
    const char *name;
    wb_valkind_t kind;
  } kinds[] = {{"i32", WB_I32},         {"i64", WB_I64},
               {"f32", WB_F32},         {"f64", WB_F64},
               {"funcref", WB_FUNCREF}, {"externref", WB_EXTERNREF}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    if (strcmp(type, kinds[i].name) == 0) {
      *out = kinds[i].kind;
      return true;
    }
  }
  return false;
}

/* Fills v from a numeric bit pattern of kind; false if it does not fit. */
static bool set_number(wb_val_t *v, wb_valkind_t kind, uint64_t bits) {
  v->kind = kind;
  switch (kind) {
  case WB_I32: {
    if (bits > UINT32_MAX) return false;
    uint32_t b = (uint32_t)bits;
    memcpy(&v->of.i32, &b, 4);
    return true;
  }
  case WB_I64: memcpy(&v->of.i64, &bits, 8); return true;
  case WB_F32: {
    if (bits > UINT32_MAX) return false;
    uint32_t b = (uint32_t)bits;
    memcpy(&v->of.f32, &b, 4);
    return true;
  }
  case WB_F64: memcpy(&v->of.f64, &bits, 8); return true;
  default: return false;
  }
}

/* Fills v with a reference of kind from its JSON value (NULL = absent). */
static bool set_ref(wb_val_t *v, wb_valkind_t kind, const char *value) {
  v->kind = kind;
  if (kind == WB_FUNCREF) {
    /* The suite only ever passes ref.null func as an argument. */
    v->of.funcref = NULL;
    return value && strcmp(value, "null") == 0;
  }
  v->of.externref = NULL;
  if (value && strcmp(value, "null") == 0) return true;
  uint64_t n;
  if (!parse_u64(value, &n) || n == UINT64_MAX) return false;
  v->of.externref = (void *)(uintptr_t)(n + 1);
  return true;
}

/* Shared part of argument and expectation parsing; `value` may be absent
   only for references. */
static bool parse_val(const cJSON *json, wb_val_t *out, const char **value,
                      char *why, size_t n) {
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(json, "type");
  const cJSON *val = cJSON_GetObjectItemCaseSensitive(json, "value");
  if (!cJSON_IsString(type)) {
    snprintf(why, n, "value without a type");
    return false;
  }
  wb_valkind_t kind;
  if (!parse_kind(type->valuestring, &kind)) {
    snprintf(why, n, "unsupported value type %s", type->valuestring);
    return false;
  }
  *value = cJSON_IsString(val) ? val->valuestring : NULL;
  memset(out, 0, sizeof *out);
  out->kind = kind;
  return true;
}

bool spec_parse_arg(const cJSON *json, wb_val_t *out, char *why, size_t n) {
  const char *value;
  if (!parse_val(json, out, &value, why, n)) return false;
  bool ok;
  if (out->kind == WB_FUNCREF || out->kind == WB_EXTERNREF) {
    ok = set_ref(out, out->kind, value);
  } else {
    uint64_t bits;
    ok = parse_u64(value, &bits) && set_number(out, out->kind, bits);
  }
  if (!ok) snprintf(why, n, "bad %s argument %s", wb_valkind_name(out->kind),
                    value ? value : "(none)");
  return ok;
}

bool spec_parse_expect(const cJSON *json, spec_expect_t *out, char *why,
                       size_t n) {
  const char *value;
  out->match = SPEC_MATCH_EXACT;
  if (!parse_val(json, &out->val, &value, why, n)) return false;
  wb_valkind_t kind = out->val.kind;
  bool ok;
  if (kind == WB_FUNCREF || kind == WB_EXTERNREF) {
    if (!value || strcmp(value, "null") != 0) {
      /* A bare {"type":"funcref"} means "some non-null function". */
      if (kind == WB_FUNCREF || !value) {
        out->match = SPEC_MATCH_NONNULL;
        return true;
      }
    }
    ok = set_ref(&out->val, kind, value);
  } else if (value && (kind == WB_F32 || kind == WB_F64) &&
             strncmp(value, "nan:", 4) == 0) {
    ok = true;
    if (strcmp(value, "nan:canonical") == 0) out->match = SPEC_MATCH_NAN_CANON;
    else if (strcmp(value, "nan:arithmetic") == 0) out->match = SPEC_MATCH_NAN_ARITH;
    else ok = false;
  } else {
    uint64_t bits;
    ok = parse_u64(value, &bits) && set_number(&out->val, kind, bits);
  }
  if (!ok) snprintf(why, n, "bad expected %s %s", wb_valkind_name(kind),
                    value ? value : "(none)");
  return ok;
}

/* {====================== Matching ======================} */

static uint32_t f32_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}

static uint64_t f64_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}

/* NaN checks on bit patterns: canonical = only the quiet bit in the
   payload; arithmetic = quiet bit set, any payload. Sign is free. */
static bool nan_match(spec_match_t m, const wb_val_t *v) {
  if (v->kind == WB_F32) {
    uint32_t b = f32_bits(v->of.f32) & 0x7FFFFFFFu;
    return m == SPEC_MATCH_NAN_CANON ? b == 0x7FC00000u
                                     : (b & 0x7FC00000u) == 0x7FC00000u;
  }
  uint64_t b = f64_bits(v->of.f64) & 0x7FFFFFFFFFFFFFFFull;
  const uint64_t q = 0x7FF8000000000000ull;
  return m == SPEC_MATCH_NAN_CANON ? b == q : (b & q) == q;
}

bool spec_expect_match(const spec_expect_t *e, const wb_val_t *v) {
  if (v->kind != e->val.kind) return false;
  switch (e->match) {
  case SPEC_MATCH_NAN_CANON:
  case SPEC_MATCH_NAN_ARITH: return nan_match(e->match, v);
  case SPEC_MATCH_NONNULL:
    return v->kind == WB_FUNCREF ? v->of.funcref != NULL
                                 : v->of.externref != NULL;
  case SPEC_MATCH_EXACT: break;
  }
  switch (v->kind) {
  case WB_I32: return v->of.i32 == e->val.of.i32;
  case WB_I64: return v->of.i64 == e->val.of.i64;
  case WB_F32: return f32_bits(v->of.f32) == f32_bits(e->val.of.f32);
  case WB_F64: return f64_bits(v->of.f64) == f64_bits(e->val.of.f64);
  case WB_FUNCREF: return v->of.funcref == e->val.of.funcref;
  case WB_EXTERNREF: return v->of.externref == e->val.of.externref;
  default: return false;
  }
}

/* {====================== Printing ======================} */

void spec_format_val(const wb_val_t *v, char *buf, size_t n) {
  switch (v->kind) {
  case WB_I32:
    snprintf(buf, n, "i32:%" PRId32 " (0x%08" PRIx32 ")", v->of.i32,
             (uint32_t)v->of.i32);
    break;
  case WB_I64:
    snprintf(buf, n, "i64:%" PRId64 " (0x%016" PRIx64 ")", v->of.i64,
             (uint64_t)v->of.i64);
    break;
  case WB_F32:
    snprintf(buf, n, "f32:%.9g (0x%08" PRIx32 ")", (double)v->of.f32,
             f32_bits(v->of.f32));
    break;
  case WB_F64:
    snprintf(buf, n, "f64:%.17g (0x%016" PRIx64 ")", v->of.f64,
             f64_bits(v->of.f64));
    break;
  case WB_FUNCREF:
    snprintf(buf, n, v->of.funcref ? "funcref:%p" : "funcref:null",
             (void *)v->of.funcref);
    break;
  case WB_EXTERNREF:
    if (v->of.externref)
      snprintf(buf, n, "externref:%" PRIuPTR,
               (uintptr_t)v->of.externref - 1);
    else snprintf(buf, n, "externref:null");
    break;
  default: snprintf(buf, n, "kind 0x%02x", (unsigned)v->kind); break;
  }
}

void spec_format_expect(const spec_expect_t *e, char *buf, size_t n) {
  const char *kind = wb_valkind_name(e->val.kind);
  switch (e->match) {
  case SPEC_MATCH_NAN_CANON: snprintf(buf, n, "%s:nan:canonical", kind); break;
  case SPEC_MATCH_NAN_ARITH: snprintf(buf, n, "%s:nan:arithmetic", kind); break;
  case SPEC_MATCH_NONNULL: snprintf(buf, n, "%s:non-null", kind); break;
  case SPEC_MATCH_EXACT: spec_format_val(&e->val, buf, n); break;
  }
}

/* {====================== Names and JSON ======================} */

char *spec_name_decode(const char *s, size_t *len) {
  size_t in = strlen(s), o = 0;
  char *out = malloc(in + 1);
  if (!out) abort();
  for (size_t i = 0; i < in; i++) out[o++] = s[i] == NUL_MARK ? '\0' : s[i];
  out[o] = '\0';
  *len = o;
  return out;
}

void spec_name_print(const char *s, size_t len, char *buf, size_t n) {
  size_t o = 0;
  if (n == 0) return;
  for (size_t i = 0; i < len && o + 5 < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7F && c != '\\') buf[o++] = (char)c;
    else o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
  }
  buf[o < n ? o : n - 1] = '\0';
}

cJSON *spec_json_parse(const char *text, size_t len) {
  char *buf = malloc(len + 1); /* the rewrite only shrinks the text */
  if (!buf) abort();
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    if (text[i] != '\\' || i + 1 >= len) {
      buf[o++] = text[i++];
    } else if (i + 6 <= len && memcmp(text + i, "\\u0000", 6) == 0) {
      buf[o++] = NUL_MARK;
      i += 6;
    } else {
      /* Copy the escape pair whole so "\\u0000" (an escaped backslash)
         is not mistaken for a NUL escape. */
      buf[o++] = text[i++];
      buf[o++] = text[i++];
    }
  }
  buf[o] = '\0';
  cJSON *root = cJSON_ParseWithLength(buf, o);
  free(buf);
  return root;
}
