/* SPDX-License-Identifier: Apache-2.0 */
/*
** UTF-8 in and out of JavaScript strings.
**
** QuickJS is lax both ways: JS_NewStringLen accepts overlong forms and
** encoded surrogates, and JS_ToCStringLen writes a lone surrogate as the
** three bytes ED A0..BF xx, which is not UTF-8. Bytes that come from
** outside therefore go through WHATWG's decoder first (rn_utf8_clean), and
** bytes that leave have their lone surrogates replaced (as TextEncoder
** does). Both keep QuickJS's own conversions for the valid case.
*/
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static const uint8_t rn_fffd[3] = {0xef, 0xbf, 0xbd};

/* The state of WHATWG's UTF-8 decoder ("bytes needed", the bounds of the
   next continuation byte) plus where the current sequence started. */
typedef struct rn_utf8_dec {
  int needed, seen;
  uint8_t lower, upper;
  size_t start;
} rn_utf8_dec_t;

/* The first byte of a sequence: sets the state for its continuation
   bytes. Returns false if b cannot start a sequence. */
static bool utf8_lead(rn_utf8_dec_t *d, uint8_t b) {
  d->lower = 0x80;
  d->upper = 0xbf;
  d->seen = 0;
  if (b >= 0xc2 && b <= 0xdf) {
    d->needed = 1;
  } else if (b >= 0xe0 && b <= 0xef) {
    d->needed = 2;
    if (b == 0xe0) d->lower = 0xa0; /* no overlong forms */
    if (b == 0xed) d->upper = 0x9f; /* no surrogates */
  } else if (b >= 0xf0 && b <= 0xf4) {
    d->needed = 3;
    if (b == 0xf0) d->lower = 0x90;
    if (b == 0xf4) d->upper = 0x8f; /* nothing above U+10FFFF */
  } else {
    return false;
  }
  return true;
}

static uint8_t *utf8_put_fffd(uint8_t *q) {
  memcpy(q, rn_fffd, 3);
  return q + 3;
}

ptrdiff_t rn_utf8_clean(const uint8_t *s, size_t n, uint8_t *out, bool fatal) {
  rn_utf8_dec_t d = {0};
  uint8_t *q = out;
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    if (d.needed == 0) {
      if (b < 0x80) {
        *q++ = b;
      } else if (utf8_lead(&d, b)) {
        d.start = i;
      } else {
        if (fatal) return -1;
        q = utf8_put_fffd(q);
      }
      i++;
      continue;
    }
    if (b < d.lower || b > d.upper) {
      /* the sequence so far is one error; b is looked at again */
      if (fatal) return -1;
      q = utf8_put_fffd(q);
      d.needed = 0;
      continue;
    }
    d.lower = 0x80;
    d.upper = 0xbf;
    if (++d.seen == d.needed) {
      memcpy(q, s + d.start, (size_t)d.needed + 1); /* a valid sequence */
      q += d.needed + 1;
      d.needed = 0;
    }
    i++;
  }
  if (d.needed != 0) { /* truncated at the end */
    if (fatal) return -1;
    q = utf8_put_fffd(q);
  }
  return q - out;
}

void rn_utf8_fix_surrogates(uint8_t *s, size_t n) {
  for (size_t i = 0; i + 2 < n; i++) {
    if (s[i] == 0xed && s[i + 1] >= 0xa0 && s[i + 1] <= 0xbf) {
      memcpy(s + i, rn_fffd, 3);
      i += 2;
    }
  }
}

/* Whether s[0..n) is ASCII, which needs no cleaning. */
static bool utf8_is_ascii(const uint8_t *s, size_t n) {
  uint8_t any = 0;
  for (size_t i = 0; i < n; i++) any |= s[i];
  return any < 0x80;
}

JSValue rn_utf8_to_js(JSContext *ctx, const uint8_t *s, size_t n) {
  if (utf8_is_ascii(s, n)) return JS_NewStringLen(ctx, (const char *)s, n);
  if (n > SIZE_MAX / 3) return JS_ThrowRangeError(ctx, "string too long");
  uint8_t *tmp = malloc(n * 3 + 1);
  if (!tmp) return JS_ThrowOutOfMemory(ctx);
  ptrdiff_t len = rn_utf8_clean(s, n, tmp, false);
  JSValue v = JS_NewStringLen(ctx, (const char *)tmp, (size_t)len);
  free(tmp);
  return v;
}
