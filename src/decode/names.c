/* SPDX-License-Identifier: Apache-2.0 */
/*
** Binary decoder: lengths, UTF-8 names, custom sections and the "name"
** custom section.
**
** The "name" section is debugging information: the spec does not let a bad
** one make the module malformed, so it is decoded after everything else
** (it may come before the sections it describes) into a scratch wm_names_t
** that replaces m->names only if the whole section made sense.
*/
#include <stdlib.h>
#include <string.h>

#include "decode/dec_internal.h"
#include "util/util.h"

/* {====================== Lengths and names ======================} */

bool dec_utf8_valid(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    } else {
      return false; /* stray continuation byte or 0xF8..0xFF */
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    /* overlong forms, UTF-16 surrogates and beyond Unicode */
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

/* Records an error at an explicit offset on a bare reader. */
static void rd_fail_at(rd_t *r, size_t off, const char *msg) {
  if (!r->err) {
    r->err = msg;
    r->err_off = off;
  }
}

/* See dec_len32. The bound counts the length's own bytes, as the
   reference interpreter does; later reads catch the difference. */
static uint32_t len32(rd_t *r) {
  size_t at = rd_off(r);
  uint32_t n = rd_u32(r);
  if (rd_ok(r) && n > (size_t)(r->end - r->base) - at) {
    rd_fail_at(r, at, "length out of bounds");
    return 0;
  }
  return n;
}

uint32_t dec_len32(dec_t *d) { return len32(&d->r); }

/* Reads a name on reader r; NULL (and an error on r) if it is cut short or
   is not UTF-8. */
static char *read_name(rd_t *r, uint32_t *len_out) {
  size_t at = rd_off(r);
  uint32_t n = len32(r);
  const uint8_t *p = rd_bytes(r, n);
  if (!p) return NULL;
  if (!dec_utf8_valid(p, n)) {
    rd_fail_at(r, at, "malformed UTF-8 encoding");
    return NULL;
  }
  if (len_out) *len_out = n;
  return ut_strndup((const char *)p, n);
}

char *dec_name(dec_t *d, uint32_t *len_out) { return read_name(&d->r, len_out); }

/* {====================== Custom sections ======================} */

void dec_custom_section(dec_t *d, size_t end) {
  rd_t *r = &d->r;
  wm_module_t *m = d->m;
  if (end > m->len) {
    dec_fail_at(d, m->len, "unexpected end");
    return;
  }
  wm_custom_t c = {0};
  c.name = dec_name(d, &c.name_len);
  if (!c.name) return;
  if (rd_off(r) > end) { /* the name runs past the section */
    free(c.name);
    dec_fail_at(d, end, "unexpected end");
    return;
  }
  c.offset = (uint32_t)rd_off(r);
  c.len = (uint32_t)(end - rd_off(r));
  UT_PUSH(m->customs, m->ncustoms, d->cap_customs, c);
  if (!d->has_name_section && c.name_len == 4 && memcmp(c.name, "name", 4) == 0) {
    d->has_name_section = true;
    d->name_off = c.offset;
    d->name_len = c.len;
  }
  r->p = r->base + end;
}

/* {====================== The "name" section ======================} */

typedef struct names_ctx {
  const wm_module_t *m;
  wm_names_t n;
  size_t budget; /* local-name slots we are still willing to allocate */
} names_ctx_t;

static void names_free(wm_names_t *n, uint32_t nfuncs) {
  free(n->module);
  for (uint32_t i = 0; n->funcs && i < nfuncs; i++) free(n->funcs[i]);
  free(n->funcs);
  for (uint32_t i = 0; n->locals && i < nfuncs; i++) {
    for (uint32_t j = 0; n->locals[i] && j < n->nlocal_names[i]; j++) free(n->locals[i][j]);
    free(n->locals[i]);
  }
  free(n->locals);
  free(n->nlocal_names);
  memset(n, 0, sizeof *n);
}

/* Parameters plus declared locals of function f, or 0 if f's type index
   is out of range (the validator reports that; here it only means that
   local names for f cannot be trusted). */
static uint64_t func_nlocals(const wm_module_t *m, uint32_t f) {
  uint32_t t = m->func_type[f];
  if (t >= m->ntypes) return 0;
  uint64_t n = m->types[t].nparams;
  if (f >= m->nfunc_imports) n += m->codes[f - m->nfunc_imports].nlocals;
  return n;
}

/* Subsection 1: a name map from function index to name. Indices must be
   below nfuncs and strictly increasing. */
static bool names_funcs(names_ctx_t *c, rd_t *r) {
  uint32_t nfuncs = c->m->nfuncs;
  uint32_t count = len32(r);
  int64_t prev = -1;
  if (count && !c->n.funcs) c->n.funcs = ut_calloc(nfuncs, sizeof *c->n.funcs);
  for (uint32_t i = 0; i < count && rd_ok(r); i++) {
    uint32_t f = rd_u32(r);
    char *s = read_name(r, NULL);
    if (!s) return false;
    if (f >= nfuncs || (int64_t)f <= prev) {
      free(s);
      return false;
    }
    c->n.funcs[f] = s;
    prev = f;
  }
  return rd_ok(r);
}

/* One function's local name map: collected first, so that the array
   (indexed by local index) is sized once and charged to the budget. */
static bool names_one_func(names_ctx_t *c, rd_t *r, uint32_t f) {
  uint32_t count = len32(r);
  uint64_t limit = func_nlocals(c->m, f);
  if (!rd_ok(r) || count == 0) return rd_ok(r);
  uint32_t *idx = ut_malloc((size_t)count * sizeof *idx);
  char **str = ut_calloc(count, sizeof *str);
  bool ok = true;
  uint32_t got = 0;
  for (; got < count && ok; got++) {
    idx[got] = rd_u32(r);
    str[got] = read_name(r, NULL);
    ok = str[got] && idx[got] < limit && (got == 0 || idx[got] > idx[got - 1]);
  }
  uint32_t slots = ok ? idx[count - 1] + 1 : 0;
  if (ok && slots <= c->budget) {
    c->budget -= slots;
    c->n.locals[f] = ut_calloc(slots, sizeof(char *));
    c->n.nlocal_names[f] = slots;
    for (uint32_t i = 0; i < count; i++) c->n.locals[f][idx[i]] = str[i];
  } else {
    ok = false;
    for (uint32_t i = 0; i < got; i++) free(str[i]);
  }
  free(idx);
  free(str);
  return ok;
}

/* Subsection 2: function index -> (local index -> name). */
static bool names_locals(names_ctx_t *c, rd_t *r) {
  uint32_t nfuncs = c->m->nfuncs;
  uint32_t count = len32(r);
  int64_t prev = -1;
  if (count && !c->n.locals) {
    c->n.locals = ut_calloc(nfuncs, sizeof *c->n.locals);
    c->n.nlocal_names = ut_calloc(nfuncs, sizeof *c->n.nlocal_names);
  }
  for (uint32_t i = 0; i < count && rd_ok(r); i++) {
    uint32_t f = rd_u32(r);
    if (!rd_ok(r) || f >= nfuncs || (int64_t)f <= prev) return false;
    if (!names_one_func(c, r, f)) return false;
    prev = f;
  }
  return rd_ok(r);
}

/* Walks the subsections (ids increasing, each at most once; unknown ids
   such as the extended-name-section ones are skipped). */
static bool names_parse(names_ctx_t *c, size_t off, size_t len) {
  rd_t r;
  rd_init(&r, c->m->bytes, off, off + len);
  int last_id = -1;
  while (rd_ok(&r) && !rd_eof(&r)) {
    uint8_t id = rd_u8(&r);
    uint32_t size = len32(&r);
    if (!rd_ok(&r) || size > rd_left(&r) || (int)id <= last_id) return false;
    last_id = id;
    rd_t sub;
    rd_init(&sub, r.base, rd_off(&r), rd_off(&r) + size);
    bool ok = true;
    if (id == 0)
      ok = (c->n.module = read_name(&sub, NULL)) != NULL;
    else if (id == 1)
      ok = names_funcs(c, &sub);
    else if (id == 2)
      ok = names_locals(c, &sub);
    else
      sub.p = sub.end;
    if (!ok || !rd_ok(&sub) || !rd_eof(&sub)) return false;
    r.p = sub.end;
  }
  return rd_ok(&r);
}

void dec_names(dec_t *d) {
  if (!d->has_name_section) return;
  names_ctx_t c = {.m = d->m};
  /* Local-name arrays are indexed by local index, so a short entry can ask
     for a long array; allow a few pointers per byte of section. */
  c.budget = (size_t)d->name_len * 4 + 1024;
  if (names_parse(&c, d->name_off, d->name_len))
    d->m->names = c.n;
  else
    names_free(&c.n, d->m->nfuncs);
}
