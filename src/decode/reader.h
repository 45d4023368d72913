/* SPDX-License-Identifier: Apache-2.0 */
/*
** A bounds-checked cursor over the module bytes with a sticky error: the
** first failure records a message (the spec's wording) and the offset, and
** every later read returns 0 without moving. Callers read a whole record,
** then test rd_ok() once. Used by the decoder and by the validator when it
** walks function bodies.
*/
#ifndef WB_DECODE_READER_H
#define WB_DECODE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct rd {
  const uint8_t *base; /* start of the whole module (offsets are from here) */
  const uint8_t *p;
  const uint8_t *end;
  const char *err; /* static string, NULL while all is well */
  size_t err_off;
} rd_t;

static inline void rd_init(rd_t *r, const uint8_t *base, size_t start, size_t end) {
  r->base = base;
  r->p = base + start;
  r->end = base + end;
  r->err = NULL;
  r->err_off = 0;
}

static inline bool rd_ok(const rd_t *r) { return r->err == NULL; }
static inline size_t rd_off(const rd_t *r) { return (size_t)(r->p - r->base); }
static inline size_t rd_left(const rd_t *r) { return (size_t)(r->end - r->p); }
static inline bool rd_eof(const rd_t *r) { return r->p >= r->end; }

/* Records the first error only. */
static inline void rd_fail(rd_t *r, const char *msg) {
  if (!r->err) {
    r->err = msg;
    r->err_off = rd_off(r);
  }
}

static inline uint8_t rd_u8(rd_t *r) {
  if (r->err) return 0;
  if (r->p >= r->end) {
    rd_fail(r, "unexpected end");
    return 0;
  }
  return *r->p++;
}

/* Unsigned LEB128 of at most `bits` bits. */
static inline uint64_t rd_uleb(rd_t *r, unsigned bits) {
  uint64_t v = 0;
  unsigned shift = 0;
  unsigned maxbytes = (bits + 6) / 7;
  for (unsigned i = 0;; i++) {
    if (r->err) return 0;
    if (i >= maxbytes) {
      rd_fail(r, "integer representation too long");
      return 0;
    }
    uint8_t b = rd_u8(r);
    if (r->err) return 0;
    if (i == maxbytes - 1 && bits % 7) {
      /* The last byte may only use the bits that remain. */
      if (b & 0x80) {
        rd_fail(r, "integer representation too long");
        return 0;
      }
      if (b >> (bits % 7)) {
        rd_fail(r, "integer too large");
        return 0;
      }
    }
    v |= (uint64_t)(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) return v;
  }
}

/* Signed LEB128 of at most `bits` bits, sign-extended to 64. */
static inline int64_t rd_sleb(rd_t *r, unsigned bits) {
  uint64_t v = 0;
  unsigned shift = 0;
  unsigned maxbytes = (bits + 6) / 7;
  for (unsigned i = 0;; i++) {
    if (r->err) return 0;
    if (i >= maxbytes) {
      rd_fail(r, "integer representation too long");
      return 0;
    }
    uint8_t b = rd_u8(r);
    if (r->err) return 0;
    if (i == maxbytes - 1) {
      if (b & 0x80) {
        rd_fail(r, "integer representation too long");
        return 0;
      }
      /* Unused high bits must all equal the sign bit. */
      unsigned used = bits - 7 * i; /* 1..7 bits used in this byte */
      if (used < 7) {
        int8_t sb = (int8_t)(b << 1) >> 1; /* sign-extend 7 bits */
        int8_t top = (int8_t)(sb >> (used - 1));
        if (top != 0 && top != -1) {
          rd_fail(r, "integer too large");
          return 0;
        }
      }
    }
    v |= (uint64_t)(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (shift < 64 && (b & 0x40)) v |= ~0ull << shift;
      return (int64_t)v;
    }
  }
}

static inline uint32_t rd_u32(rd_t *r) { return (uint32_t)rd_uleb(r, 32); }
static inline int32_t rd_s32(rd_t *r) { return (int32_t)rd_sleb(r, 32); }
static inline int64_t rd_s33(rd_t *r) { return rd_sleb(r, 33); }
static inline int64_t rd_s64(rd_t *r) { return rd_sleb(r, 64); }

static inline uint32_t rd_fixed32(rd_t *r) {
  if (r->err) return 0;
  if (rd_left(r) < 4) {
    rd_fail(r, "unexpected end");
    r->p = r->end;
    return 0;
  }
  uint32_t v;
  memcpy(&v, r->p, 4);
  r->p += 4;
  return v;
}

static inline uint64_t rd_fixed64(rd_t *r) {
  if (r->err) return 0;
  if (rd_left(r) < 8) {
    rd_fail(r, "unexpected end");
    r->p = r->end;
    return 0;
  }
  uint64_t v;
  memcpy(&v, r->p, 8);
  r->p += 8;
  return v;
}

/* Skips n bytes; fails with "unexpected end" if they are not there. */
static inline const uint8_t *rd_bytes(rd_t *r, size_t n) {
  if (r->err) return NULL;
  if (rd_left(r) < n) {
    rd_fail(r, "unexpected end");
    return NULL;
  }
  const uint8_t *p = r->p;
  r->p += n;
  return p;
}

#endif
