/* SPDX-License-Identifier: Apache-2.0 */
/* String processing over 256 KiB of generated text: tokenising into words,
   counting word frequencies in an open-addressing hash table, substring
   search, reversing words in place, and integer <-> decimal conversion. */
#include "workload.h"

#define TEXT (256 * 1024)
#define SLOTS 16384
static char text[TEXT + 1];
static struct { const char *w; uint32_t len, count; } table[SLOTS];

static const char *const syllables[16] = {
  "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi",
  "an", "el", "or", "us", "qua", "pre", "str", "ing"};

static size_t slen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

static int sneq(const char *a, const char *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) if (a[i] != b[i]) return 0;
  return 1;
}

/* Fills text with words of 1-4 syllables separated by spaces and digits. */
static void generate(uint32_t *s) {
  size_t n = 0;
  while (n + 64 < TEXT) {
    uint32_t r = wl_rand(s), syl = 1 + r % 3;
    for (uint32_t k = 0; k < syl; k++) {
      const char *p = syllables[(wl_rand(s) >> 7) & 15];
      while (*p) text[n++] = *p++;
    }
    text[n++] = (r >> 8) % 11 == 0 ? ',' : ' ';
    if ((r >> 12) % 13 == 0) {          /* a number now and then */
      uint32_t v = r >> 16;
      char d[12]; int k = 0;
      do { d[k++] = (char)('0' + v % 10); v /= 10; } while (v);
      while (k) text[n++] = d[--k];
      text[n++] = ' ';
    }
  }
  while (n < TEXT) text[n++] = ' ';
  text[TEXT] = 0;
}

static uint32_t count_word(const char *w, uint32_t len) {
  uint32_t h = 5381;
  for (uint32_t i = 0; i < len; i++) h = h * 33 + (unsigned char)w[i];
  for (uint32_t i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
    if (!table[i].w) { table[i].w = w; table[i].len = len; table[i].count = 1; return h; }
    if (table[i].len == len && sneq(table[i].w, w, len)) { table[i].count++; return h; }
  }
}

/* Tokenises, counts words and sums the numbers; returns a digest. */
static uint32_t tokenise(void) {
  uint32_t h = 0, sum = 0;
  for (size_t i = 0; i < TEXT;) {
    while (i < TEXT && (text[i] == ' ' || text[i] == ',')) i++;
    size_t b = i;
    while (i < TEXT && text[i] != ' ' && text[i] != ',') i++;
    if (i == b) continue;
    if (text[b] >= '0' && text[b] <= '9') {
      uint32_t v = 0;
      for (size_t k = b; k < i; k++) v = v * 10 + (uint32_t)(text[k] - '0');
      sum += v;
    } else {
      h ^= count_word(text + b, (uint32_t)(i - b));
    }
  }
  return h + sum;
}

static uint32_t search(const char *pat) {
  size_t m = slen(pat);
  uint32_t hits = 0;
  for (size_t i = 0; i + m <= TEXT; i++)
    if (text[i] == pat[0] && sneq(text + i, pat, (uint32_t)m)) hits++;
  return hits;
}

static void reverse_words(void) {
  for (size_t i = 0; i < TEXT;) {
    while (i < TEXT && text[i] == ' ') i++;
    size_t b = i;
    while (i < TEXT && text[i] != ' ') i++;
    for (size_t l = b, r = i; l + 1 < r; l++, r--) {
      char t = text[l]; text[l] = text[r - 1]; text[r - 1] = t;
    }
  }
}

uint32_t wl_run(void) {
  uint32_t s = wl_seed, h = 0;
  generate(&s);
  for (uint32_t r = 0; r < WL_REPS(32); r++) {
    for (int i = 0; i < SLOTS; i++) table[i].w = 0;
    h = h * 31 + tokenise();
    h = h * 31 + search("quapre") + search("ingstr") * 7;
    reverse_words();
    uint32_t distinct = 0, top = 0;
    for (int i = 0; i < SLOTS; i++)
      if (table[i].w) { distinct++; if (table[i].count > top) top = table[i].count; }
    h = h * 31 + distinct * 1000 + top;
  }
  return h;
}
