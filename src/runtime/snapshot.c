/* SPDX-License-Identifier: Apache-2.0 */
/*
** Snapshots: a template written back out as a standalone, pre-initialised
** module in Wizer's format, which any engine runs with the behaviour the
** template has.
**
** The original binary (m->bytes) is walked section by section. Sections
** whose contents initialisation cannot change (types, imports, functions,
** code, custom sections such as "name") are copied byte for byte, in place.
** The others are rewritten from the instance's state:
**
**   table    min = the table's current size (table.grow may have run)
**   memory   min = the memory's current page count, max unchanged
**   global   every defined global's init is the constant of its value
**   export   without the init export
**   start    dropped when it already ran
**   element  segment i keeps index i: live passive segments stay passive,
**            dropped ones (every active one, and passive ones init
**            dropped) become declarative, which is dropped at
**            instantiation and keeps ref.func declarations valid; then
**            new active segments hold the tables' contents
**   data     segment i keeps index i: live passive segments are copied,
**            dropped ones (all active ones) become empty passive segments;
**            then new active segments hold the non-zero runs of memory
**   datacount re-emitted with the new data segment count
**
** Keeping the original segment indices matters: code names segments by
** index (memory.init, data.drop, table.init, elem.drop), and the new
** segments come after every index the code can name.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decode/reader.h"
#include "runtime/template.h"

/* Zero gaps shorter than this are kept inside a data segment: a segment
   header (flags, i32.const offset, end, length) costs about this much. */
#define SN_DATA_GAP 12u
/* Most new data segments emitted per memory (engines cap the segment
   count: V8 at 100000); past it, the smallest zero gaps are filled in. */
#define SN_MAX_DATA_SEGS 10000u
/* Most runs collected before filling gaps: past it (a hostile memory of
   alternating bytes), the minimum gap grows instead, so the run array
   stays small whatever the memory holds. */
#define SN_MAX_RUNS (64u * SN_MAX_DATA_SEGS)

enum {
  SEC_CUSTOM = 0, SEC_TABLE = 4, SEC_MEMORY = 5, SEC_GLOBAL = 6, SEC_EXPORT = 7,
  SEC_START = 8, SEC_ELEM = 9, SEC_DATA = 11, SEC_DATACOUNT = 12, SEC_COUNT = 13
};

/* Position of each section id in the required order (data count sits
   between element and code). */
static const uint8_t sec_rank[SEC_COUNT] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

/* {====================== Byte buffer ======================} */

typedef struct sb {
  uint8_t *p;
  size_t len, cap;
} sb_t;

static void sb_reserve(sb_t *b, size_t n) {
  if (b->cap - b->len >= n) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < n) cap *= 2;
  b->p = ut_realloc(b->p, cap);
  b->cap = cap;
}

static void sb_bytes(sb_t *b, const void *p, size_t n) {
  if (!n) return;
  sb_reserve(b, n);
  memcpy(b->p + b->len, p, n);
  b->len += n;
}

static void sb_byte(sb_t *b, uint8_t v) { sb_bytes(b, &v, 1); }

static void sb_uleb(sb_t *b, uint64_t v) {
  do {
    uint8_t c = v & 0x7F;
    v >>= 7;
    sb_byte(b, (uint8_t)(c | (v ? 0x80 : 0)));
  } while (v);
}

/* Signed LEB128: stops once the rest is pure sign extension of bit 6. */
static void sb_sleb(sb_t *b, int64_t v) {
  for (;;) {
    uint8_t c = (uint8_t)(v & 0x7F);
    v >>= 7; /* arithmetic shift (GNU C) */
    bool done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
    sb_byte(b, (uint8_t)(c | (done ? 0 : 0x80)));
    if (done) return;
  }
}

static void sb_fixed(sb_t *b, uint64_t bits, size_t n) {
  uint8_t le[8];
  for (size_t i = 0; i < n; i++) le[i] = (uint8_t)(bits >> (8 * i));
  sb_bytes(b, le, n);
}

/* Writes a section: id, payload size, payload. */
static void sb_section(sb_t *out, uint8_t id, const sb_t *payload) {
  sb_byte(out, id);
  sb_uleb(out, payload->len);
  sb_bytes(out, payload->p, payload->len);
}

/* {====================== Snapshot state ======================} */

typedef struct snap {
  const wb_template_t *t;
  const wm_module_t *m;
  const wb_instance_t *inst;
  wb_error_t *err; /* first failure */
  /* Rewritten section payloads by id; has[id] when the section is emitted. */
  sb_t sec[SEC_COUNT];
  bool has[SEC_COUNT];
  bool done[SEC_COUNT];
  bool drop_start;
  size_t tail; /* end of the last non-custom section of the original */
  uint32_t ndatas; /* data segments in the new data section */
  int64_t init_func; /* function index of the dropped init export, or -1 */
} snap_t;

static bool sn_fail(snap_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error (a USAGE error: the state cannot be expressed);
   returns false so callers can `return sn_fail(...)`. */
static bool sn_fail(snap_t *s, const char *fmt, ...) {
  if (!s->err) {
    va_list ap;
    va_start(ap, fmt);
    s->err = ut_error_vnew(WB_ERROR_USAGE, SIZE_MAX, fmt, ap);
    va_end(ap);
  }
  return false;
}

/* Function index of f in the instance's index space, or false if f is not
   one of its functions (a host function nobody imported, or a function of
   another instance). Defined functions know their index; imports are few. */
static bool func_index(const wb_instance_t *inst, const wb_func_t *f, uint32_t *out) {
  const wm_module_t *m = inst->m;
  if (f->inst == inst && f->index < m->nfuncs && inst->funcs[f->index] == f) {
    *out = f->index;
    return true;
  }
  for (uint32_t i = 0; i < m->nfuncs; i++) {
    if (inst->funcs[i] == f) {
      *out = i;
      return true;
    }
  }
  return false;
}

/* {====================== Rewritten sections ======================} */

static void put_limits(sb_t *b, uint32_t min, const wm_limits_t *decl) {
  sb_byte(b, decl->has_max ? 1 : 0);
  sb_uleb(b, min);
  if (decl->has_max) sb_uleb(b, decl->max);
}

/* Tables at their current size; the element type and max as declared. */
static void build_tables(snap_t *s) {
  const wm_module_t *m = s->m;
  sb_t *b = &s->sec[SEC_TABLE];
  sb_uleb(b, m->ntables - m->ntable_imports);
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
    sb_byte(b, m->tables[i].elem);
    put_limits(b, s->inst->tables[i]->size, &m->tables[i].lim);
  }
}

/* Memories at their current size, max unchanged. */
static void build_memories(snap_t *s) {
  const wm_module_t *m = s->m;
  sb_t *b = &s->sec[SEC_MEMORY];
  sb_uleb(b, m->nmems - m->nmem_imports);
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
    put_limits(b, s->inst->mems[i]->pages, &m->mems[i]);
}

/* A constant expression producing value v of type t (with `end`). Floats
   keep their exact bits, NaN payloads included. */
static bool put_const(snap_t *s, sb_t *b, wm_valtype_t t, rt_slot_t v, uint32_t gi) {
  uint32_t fi;
  switch (t) {
  case WM_I32: sb_byte(b, 0x41); sb_sleb(b, (int32_t)v.u32); break;
  case WM_I64: sb_byte(b, 0x42); sb_sleb(b, v.i64); break;
  case WM_F32: sb_byte(b, 0x43); sb_fixed(b, v.u32, 4); break;
  case WM_F64: sb_byte(b, 0x44); sb_fixed(b, v.u64, 8); break;
  case WM_FUNCREF:
  case WM_EXTERNREF:
    if (!v.ref) {
      sb_byte(b, 0xD0);
      sb_byte(b, t);
    } else if (t == WM_FUNCREF && func_index(s->inst, v.ref, &fi)) {
      sb_byte(b, 0xD2);
      sb_uleb(b, fi);
    } else {
      return sn_fail(s, "snapshot: global %u holds a %s reference to a host object, which a "
                        "module cannot express", gi, t == WM_FUNCREF ? "funcref" : "externref");
    }
    break;
  default:
    return sn_fail(s, "snapshot: global %u has a value type (0x%02x) snapshots do not support",
                   gi, t);
  }
  sb_byte(b, 0x0B);
  return true;
}

/* Every defined global, initialised to its current value. */
static bool build_globals(snap_t *s) {
  const wm_module_t *m = s->m;
  sb_t *b = &s->sec[SEC_GLOBAL];
  sb_uleb(b, m->nglobals - m->nglobal_imports);
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
    const wb_global_t *g = s->inst->globals[i];
    sb_byte(b, g->type);
    sb_byte(b, g->mut ? 1 : 0);
    if (!put_const(s, b, g->type, g->val, i)) return false;
  }
  return true;
}

static bool is_init_export(const snap_t *s, const wm_export_t *e) {
  const char *name = s->t->init_name;
  return name && e->kind == WB_EXTERN_FUNC && e->name_len == strlen(name) &&
         memcmp(e->name, name, e->name_len) == 0;
}

/* Every export but the init function's. */
static void build_exports(snap_t *s) {
  const wm_module_t *m = s->m;
  sb_t *b = &s->sec[SEC_EXPORT];
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->nexports; i++) {
    if (is_init_export(s, &m->exports[i]))
      s->init_func = m->exports[i].index;
    else
      n++;
  }
  sb_uleb(b, n);
  for (uint32_t i = 0; i < m->nexports; i++) {
    const wm_export_t *e = &m->exports[i];
    if (is_init_export(s, e)) continue;
    sb_uleb(b, e->name_len);
    sb_bytes(b, e->name, e->name_len);
    sb_byte(b, (uint8_t)e->kind);
    sb_uleb(b, e->index);
  }
}

/* {====================== Element segments ======================} */

/* Original segment e, re-emitted as passive (live) or declarative
   (dropped) with its original contents: function indices, or constant
   expressions copied verbatim. */
static void put_orig_elem(snap_t *s, sb_t *b, const wm_elem_t *e, bool live) {
  if (e->exprs || e->type != WM_FUNCREF) {
    sb_byte(b, live ? 5 : 7);
    sb_byte(b, e->type);
    sb_uleb(b, e->exprs ? e->count : 0);
    for (uint32_t j = 0; e->exprs && j < e->count; j++)
      sb_bytes(b, s->m->bytes + e->exprs[j].offset, e->exprs[j].len);
    return;
  }
  sb_byte(b, live ? 1 : 3);
  sb_byte(b, 0x00); /* elemkind funcref */
  uint32_t n = e->funcs ? e->count : 0;
  sb_uleb(b, n);
  for (uint32_t j = 0; j < n; j++) sb_uleb(b, e->funcs[j]);
}

/* Emits one active segment putting refs[0..n) (all non-null) at offset
   off of table ti. */
static bool put_table_run(snap_t *s, sb_t *b, uint32_t ti, uint32_t off, void *const *refs,
                          uint32_t n) {
  if (ti == 0) {
    sb_byte(b, 0); /* table 0, funcref indices */
  } else {
    sb_byte(b, 2);
    sb_uleb(b, ti);
  }
  sb_byte(b, 0x41);
  sb_sleb(b, (int32_t)off);
  sb_byte(b, 0x0B);
  if (ti != 0) sb_byte(b, 0x00);
  sb_uleb(b, n);
  for (uint32_t j = 0; j < n; j++) {
    uint32_t fi;
    if (!func_index(s->inst, refs[j], &fi))
      return sn_fail(s, "snapshot: table %u element %u holds a function foreign to the "
                        "instance (a host function), which a module cannot express", ti, off + j);
    sb_uleb(b, fi);
  }
  return true;
}

/* Active segments for the runs of non-null entries of defined table ti;
   *count grows by the number emitted. Externref tables must be all null. */
static bool put_table_state(snap_t *s, sb_t *b, uint32_t ti, uint32_t *count) {
  const wb_table_t *t = s->inst->tables[ti];
  for (uint32_t i = 0; i < t->size;) {
    if (!t->elems[i]) {
      i++;
      continue;
    }
    if (t->elem != WM_FUNCREF)
      return sn_fail(s, "snapshot: externref table %u holds a host reference at %u, which a "
                        "module cannot express", ti, i);
    uint32_t j = i;
    while (j < t->size && t->elems[j]) j++;
    if (!put_table_run(s, b, ti, i, t->elems + i, j - i)) return false;
    (*count)++;
    i = j;
  }
  return true;
}

/* Whether some function body may hold `ref.func fi`: any 0xD2 byte
   followed by a LEB128 (canonical or padded, as linkers leave them) of fi.
   A byte scan over-approximates, which only costs a few output bytes. */
static bool code_may_ref(const wm_module_t *m, uint32_t fi) {
  for (uint32_t c = 0; c < m->ncodes; c++) {
    const uint8_t *p = m->bytes + m->codes[c].expr_offset, *end = m->bytes + m->codes[c].end_offset;
    for (; p < end; p++) {
      if (*p != 0xD2) continue;
      rd_t r;
      rd_init(&r, m->bytes, (size_t)(p + 1 - m->bytes), (size_t)(end - m->bytes));
      if (rd_u32(&r) == fi && rd_ok(&r)) return true;
    }
  }
  return false;
}

/* Whether function fi stays declared (as ref.func in code requires) once
   the init export is gone: code never names it, or another export or an
   element segment does. */
static bool still_declared(const snap_t *s, uint32_t fi) {
  const wm_module_t *m = s->m;
  if (!code_may_ref(m, fi)) return true;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == WB_EXTERN_FUNC && m->exports[i].index == fi &&
        !is_init_export(s, &m->exports[i]))
      return true;
  for (uint32_t i = 0; i < m->nelems; i++)
    for (uint32_t j = 0; m->elems[i].funcs && j < m->elems[i].count; j++)
      if (m->elems[i].funcs[j] == fi) return true;
  return false;
}

/* Original segments (indices kept), then the tables' contents, then, if
   dropping the init export would leave the init function undeclared, a
   declarative segment naming it. */
static bool build_elems(snap_t *s) {
  const wm_module_t *m = s->m;
  sb_t body = {0};
  uint32_t count = m->nelems;
  for (uint32_t i = 0; i < m->nelems; i++)
    put_orig_elem(s, &body, &m->elems[i], s->inst->elems[i].n != 0);
  bool ok = true;
  for (uint32_t ti = m->ntable_imports; ok && ti < m->ntables; ti++)
    ok = put_table_state(s, &body, ti, &count);
  if (ok && s->init_func >= 0 && m->func_declared && m->func_declared[s->init_func] &&
      !still_declared(s, (uint32_t)s->init_func)) {
    sb_byte(&body, 3);
    sb_byte(&body, 0x00);
    sb_uleb(&body, 1);
    sb_uleb(&body, (uint64_t)s->init_func);
    count++;
  }
  if (ok && count) {
    sb_uleb(&s->sec[SEC_ELEM], count);
    sb_bytes(&s->sec[SEC_ELEM], body.p, body.len);
    s->has[SEC_ELEM] = true;
  }
  free(body.p);
  return ok;
}

/* {====================== Data segments ======================} */

/* First non-zero byte of p[from..size), or size. Whole zero words are
   skipped eight bytes at a time (most of a heap is often untouched). */
static size_t next_nonzero(const uint8_t *p, size_t from, size_t size) {
  size_t i = from;
  while (i < size && (i & 7)) {
    if (p[i]) return i;
    i++;
  }
  while (i + 8 <= size) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    if (w) break;
    i += 8;
  }
  while (i < size && !p[i]) i++;
  return i;
}

/* Runs of memory: [start, end) pairs, flattened. */
typedef struct runs {
  size_t *v;
  uint32_t n, cap; /* n counts size_t entries (two per run) */
} runs_t;

/* Splits p[0..size) into non-zero runs, merging runs separated by fewer
   than gap zero bytes. Stops early (returning false) past max runs. */
static bool find_runs(const uint8_t *p, size_t size, size_t gap, uint32_t max, runs_t *r) {
  r->n = 0;
  size_t i = next_nonzero(p, 0, size);
  while (i < size) {
    if (r->n / 2 >= max) return false;
    size_t start = i, end;
    for (;;) {
      end = i;
      while (end < size && p[end]) end++;
      i = next_nonzero(p, end, size);
      if (i >= size || i - end >= gap) break;
    }
    UT_PUSH(r->v, r->n, r->cap, start);
    UT_PUSH(r->v, r->n, r->cap, end);
  }
  return true;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Merges runs across their smallest gaps until at most max remain, so the
   zero bytes added to the output are as few as the cap allows. */
static void merge_runs(runs_t *r, uint32_t max) {
  uint32_t nruns = r->n / 2;
  if (nruns <= max) return;
  uint32_t k = nruns - max; /* merges needed */
  size_t *gaps = ut_malloc((size_t)(nruns - 1) * sizeof *gaps);
  for (uint32_t i = 0; i + 1 < nruns; i++) gaps[i] = r->v[2 * i + 2] - r->v[2 * i + 1];
  qsort(gaps, nruns - 1, sizeof *gaps, cmp_size);
  size_t limit = gaps[k - 1]; /* merge every gap below it, and enough equal to it */
  uint32_t equal = k;
  for (uint32_t i = 0; i < k; i++)
    if (gaps[i] < limit) equal--;
  free(gaps);
  uint32_t out = 2;
  for (uint32_t i = 1; i < nruns; i++) {
    size_t gap = r->v[2 * i] - r->v[out - 1];
    if (gap < limit || (gap == limit && equal > 0)) {
      if (gap == limit) equal--;
      r->v[out - 1] = r->v[2 * i + 1]; /* extend the current run */
    } else {
      r->v[out++] = r->v[2 * i];
      r->v[out++] = r->v[2 * i + 1];
    }
  }
  r->n = out;
}

/* Active segments covering the non-zero bytes of defined memory mi. */
static void put_memory_state(snap_t *s, sb_t *b, uint32_t mi) {
  const wb_memory_t *mem = s->inst->mems[mi];
  size_t size = (size_t)mem->pages * RT_PAGE_SIZE;
  runs_t r = {0};
  size_t gap = SN_DATA_GAP;
  while (!find_runs(mem->base, size, gap, SN_MAX_RUNS, &r)) gap *= 4;
  merge_runs(&r, SN_MAX_DATA_SEGS);
  for (uint32_t k = 0; k < r.n; k += 2) {
    size_t start = r.v[k], len = r.v[k + 1] - start;
    if (mi == 0) {
      sb_byte(b, 0);
    } else {
      sb_byte(b, 2);
      sb_uleb(b, mi);
    }
    sb_byte(b, 0x41);
    sb_sleb(b, (int32_t)(uint32_t)start);
    sb_byte(b, 0x0B);
    sb_uleb(b, len);
    sb_bytes(b, mem->base + start, len);
    s->ndatas++;
  }
  free(r.v);
}

/* Original segments as passive ones (dropped: empty), then memory. */
static void build_datas(snap_t *s) {
  const wm_module_t *m = s->m;
  sb_t body = {0};
  s->ndatas = m->ndatas;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const rt_dataseg_t *d = &s->inst->datas[i];
    sb_byte(&body, 1);
    sb_uleb(&body, d->n);
    sb_bytes(&body, d->p, d->n);
  }
  for (uint32_t mi = m->nmem_imports; mi < m->nmems; mi++) put_memory_state(s, &body, mi);
  if (s->ndatas) {
    sb_uleb(&s->sec[SEC_DATA], s->ndatas);
    sb_bytes(&s->sec[SEC_DATA], body.p, body.len);
    s->has[SEC_DATA] = true;
  }
  free(body.p);
  if (m->has_datacount) {
    sb_uleb(&s->sec[SEC_DATACOUNT], s->ndatas);
    s->has[SEC_DATACOUNT] = true;
  }
}

/* Builds every rewritten section. Sections replaced in place exist in the
   output exactly when they did in the input; element, data and data count
   may be new. */
static bool build_all(snap_t *s) {
  const wm_module_t *m = s->m;
  if (m->ntable_imports || m->nmem_imports || m->nglobal_imports)
    return sn_fail(s, "snapshot: imported tables, memories and globals are not supported");
  build_tables(s);
  build_memories(s);
  if (!build_globals(s)) return false;
  build_exports(s);
  if (!build_elems(s)) return false;
  build_datas(s);
  s->drop_start = s->t->ran_start;
  return true;
}

/* {====================== Assembling the module ======================} */

/* Emits the new sections (element, data count, data) that must come
   before a section of rank `rank` and are not out yet. */
static void flush_before(snap_t *s, sb_t *out, unsigned rank) {
  static const uint8_t synth[] = {SEC_ELEM, SEC_DATACOUNT, SEC_DATA};
  for (size_t k = 0; k < sizeof synth; k++) {
    uint8_t id = synth[k];
    if (s->has[id] && !s->done[id] && sec_rank[id] < rank) {
      sb_section(out, id, &s->sec[id]);
      s->done[id] = true;
    }
  }
}

/* Emits one original section [start, end) with id: copied, replaced or
   dropped. */
static void emit_section(snap_t *s, sb_t *out, uint8_t id, size_t start, size_t end) {
  if (id == SEC_CUSTOM) {
    /* Trailing custom sections ("name" above all) stay after the data
       section, even one the original lacked. */
    if (start >= s->tail) flush_before(s, out, 255);
    sb_bytes(out, s->m->bytes + start, end - start);
    return;
  }
  flush_before(s, out, sec_rank[id]);
  switch (id) {
  case SEC_TABLE: case SEC_MEMORY: case SEC_GLOBAL: case SEC_EXPORT:
    sb_section(out, id, &s->sec[id]);
    break;
  case SEC_ELEM: case SEC_DATA: case SEC_DATACOUNT:
    if (s->has[id] && !s->done[id]) sb_section(out, id, &s->sec[id]);
    s->done[id] = true;
    break;
  case SEC_START:
    if (!s->drop_start) sb_bytes(out, s->m->bytes + start, end - start);
    break;
  default:
    sb_bytes(out, s->m->bytes + start, end - start);
  }
}

/* Walks the original sections, calling emit_section for each when out is
   not NULL. Returns false (error recorded) if the bytes do not parse. */
static bool walk(snap_t *s, sb_t *out) {
  const wm_module_t *m = s->m;
  if (m->len < 8) return sn_fail(s, "snapshot: module bytes too short");
  rd_t r;
  rd_init(&r, m->bytes, 8, m->len);
  while (rd_ok(&r) && !rd_eof(&r)) {
    size_t start = rd_off(&r);
    uint8_t id = rd_u8(&r);
    uint32_t size = rd_u32(&r);
    rd_bytes(&r, size);
    if (!rd_ok(&r) || id >= SEC_COUNT) break;
    if (out)
      emit_section(s, out, id, start, rd_off(&r));
    else if (id != SEC_CUSTOM)
      s->tail = rd_off(&r);
  }
  if (!rd_ok(&r) || !rd_eof(&r))
    return sn_fail(s, "snapshot: cannot re-read the module's sections at byte %zu", rd_off(&r));
  return true;
}

/* Writes the snapshot into out: header, then the sections in order. */
static bool assemble(snap_t *s, sb_t *out) {
  if (!walk(s, NULL)) return false;
  sb_bytes(out, s->m->bytes, 8); /* magic and version */
  walk(s, out);
  flush_before(s, out, 255);
  return true;
}

wb_error_t *wb_template_snapshot(const wb_template_t *tmpl, uint8_t **out, size_t *len) {
  if (out) *out = NULL;
  if (len) *len = 0;
  if (!tmpl || !out || !len || !tmpl->inst)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_template_snapshot: NULL argument");
  snap_t s = {.t = tmpl, .m = tmpl->m, .inst = tmpl->inst, .init_func = -1};
  sb_t res = {0};
  if (build_all(&s)) assemble(&s, &res);
  for (int i = 0; i < SEC_COUNT; i++) free(s.sec[i].p);
  if (s.err) {
    free(res.p);
    return s.err;
  }
  *out = res.p ? res.p : ut_malloc(1);
  *len = res.len;
  return NULL;
}
