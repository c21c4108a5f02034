// Streaming Lanczos-3 downscale of RGBA rows as the decoder produces them (PNG, TIFF), so an image is
// never held at full size: each row is resized horizontally on arrival into a ring of the last few rows,
// and each output row is made (vertical pass) as soon as the rows under its window have arrived. The
// same kernel and rounding as the cascade (resample.c), so these inputs look like JPEGs do — and like
// sharp's Lanczos-3. Alpha is premultiplied while filtering (no dark fringes), then undone.
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "rescale.h"
#include "src/dsp/dsp.h"

static int taps_for(int src, int dst) {
  double fs = src > dst ? (double)src / dst : 1;
  int used = (int)(6 * fs + 0.999999) + 1;
  return used <= 8 ? 8 : used <= 16 ? 16 : used;
}

size_t rs_bytes(int sw, int sh, int tw, int th) {
  size_t taps = (size_t)taps_for(sh, th), coef = (size_t)tw * taps_for(sw, tw) * 2 + (size_t)th * taps * 2 + 4 * ((size_t)tw + th);
  return (size_t)tw * th * 4 + 4 * (size_t)sw + taps * tw * 4 + 16 * (size_t)tw + coef;
}

int rs_init(RowScaler* r, int sw, int sh, int tw, int th, int alpha) {
  memset(r, 0, sizeof *r);
  r->sw = sw, r->sh = sh, r->tw = tw, r->th = th, r->alpha = alpha;
  int ok = lz_coeffs(sw, tw, &r->ch) && lz_coeffs(sh, th, &r->cv);
  if (ok) {
    r->dst = malloc((size_t)tw * th * 4);
    r->chan = malloc(4 * (size_t)sw);
    r->ring = malloc((size_t)r->cv.taps * tw * 4);
    r->acc = malloc(sizeof(int32_t) * 4 * (size_t)tw);
    ok = r->dst && r->chan && r->ring && r->acc;
  }
  if (!ok) {
    rs_free(r);
    return 0;
  }
  if (alpha) WebPInitAlphaProcessing();
  return 1;
}

/** Output rows whose whole vertical window has arrived (`rows`: cv.taps row pointers of scratch). */
static void emit_rows(const Coeffs* cv, const uint8_t* ring, size_t n, int sh, int rows_in, int th, int* rows_out,
                      uint8_t* dst, size_t ds) {
  const uint8_t* rows[cv->taps];
  while (*rows_out < th) {
    int left = cv->left[*rows_out], last = left + cv->taps - 1;
    if (last > sh - 1) last = sh - 1;
    if (last >= rows_in) return;
    for (int k = 0; k < cv->taps; k++) rows[k] = ring + (size_t)(lz_index(left + k, sh) % cv->taps) * n;
    lz_vrow(rows, cv->w + *rows_out * cv->taps, cv->taps, dst + (size_t)*rows_out * ds, (int)n);
    (*rows_out)++;
  }
}

static void emit(RowScaler* r) {
  size_t n = (size_t)r->tw * 4;
  emit_rows(&r->cv, r->ring, n, r->sh, r->rows_in, r->th, &r->rows_out, r->dst, n);
}

void rs_row(RowScaler* r, uint8_t* row) {
  if (r->rows_in >= r->sh) return;
  if (r->alpha && !r->premultiplied) WebPMultARGBRow((uint32_t*)row, r->sw, 0);
  int sw = r->sw;
  for (int x = 0; x < sw; x++)
    for (int c = 0; c < 4; c++) r->chan[c * sw + x] = row[4 * x + c];
  uint8_t* out = r->ring + (size_t)(r->rows_in % r->cv.taps) * r->tw * 4;
  for (int c = 0; c < 4; c++) {
    const uint8_t* s = r->chan + (size_t)c * sw;
    if (c == 3 && !r->alpha) {
      for (int x = 0; x < r->tw; x++) out[4 * x + 3] = 255;
      continue;
    }
    uint8_t* one = (uint8_t*)r->acc; // free until emit() below
    lz_row(s, sw, &r->ch, one, r->tw);
    for (int x = 0; x < r->tw; x++) out[4 * x + c] = one[x];
  }
  r->rows_in++;
  emit(r);
}

int rs_finish(RowScaler* r) {
  if (r->rows_out < r->th) {
    rs_free(r);
    return cx_fail(CX_BAD_INPUT, "the image ended after %d of %d rows", r->rows_in, r->sh);
  }
  if (r->alpha)
    for (int y = 0; y < r->th; y++) WebPMultARGBRow((uint32_t*)(r->dst + (size_t)y * r->tw * 4), r->tw, 1);
  int rc = cx_import_rgba(r->dst, r->tw, r->th, r->tw * 4);
  rs_free(r);
  return rc;
}

void rs_free(RowScaler* r) {
  free(r->dst), free(r->chan), free(r->ring), free(r->acc);
  r->dst = r->chan = r->ring = NULL, r->acc = NULL;
  lz_free(&r->ch), lz_free(&r->cv);
}

size_t ps_bytes(int sw, int sh, int tw, int th) {
  size_t taps = (size_t)taps_for(sh, th);
  return taps * tw + (size_t)tw * taps_for(sw, tw) * 2 + (size_t)th * taps * 2 + 4 * ((size_t)tw + th);
}

int ps_init(PlaneScaler* p, int sw, int sh, int tw, int th, uint8_t* dst, int ds) {
  memset(p, 0, sizeof *p);
  p->sw = sw, p->sh = sh, p->tw = tw, p->th = th, p->dst = dst, p->ds = ds;
  int ok = lz_coeffs(sw, tw, &p->ch) && lz_coeffs(sh, th, &p->cv);
  if (ok) {
    p->ring = malloc((size_t)p->cv.taps * tw);
    ok = p->ring != NULL;
  }
  if (!ok) ps_free(p);
  return ok;
}

void ps_row(PlaneScaler* p, const uint8_t* row) {
  if (p->rows_in >= p->sh) return;
  const Coeffs* cv = &p->cv;
  int tw = p->tw;
  uint8_t* out = p->ring + (size_t)(p->rows_in % cv->taps) * tw;
  lz_row(row, p->sw, &p->ch, out, tw);
  p->rows_in++;
  emit_rows(cv, p->ring, (size_t)tw, p->sh, p->rows_in, p->th, &p->rows_out, p->dst, (size_t)p->ds);
}

void ps_free(PlaneScaler* p) {
  free(p->ring);
  p->ring = NULL;
  lz_free(&p->ch), lz_free(&p->cv);
}
