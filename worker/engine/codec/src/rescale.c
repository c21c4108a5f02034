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

/** Output rows whose whole vertical window has arrived. */
static void emit(RowScaler* r) {
  const Coeffs* cv = &r->cv;
  size_t n = (size_t)r->tw * 4;
  while (r->rows_out < r->th) {
    int left = cv->left[r->rows_out], last = left + cv->taps - 1;
    if (last > r->sh - 1) last = r->sh - 1;
    if (last >= r->rows_in) return;
    const int16_t* w = cv->w + r->rows_out * cv->taps;
    for (size_t i = 0; i < n; i++) r->acc[i] = 1 << (LZ_FIX - 1);
    for (int k = 0; k < cv->taps; k++) {
      int32_t wk = w[k];
      if (!wk) continue;
      const uint8_t* row = r->ring + (size_t)(lz_index(left + k, r->sh) % cv->taps) * n;
      for (size_t i = 0; i < n; i++) r->acc[i] += wk * row[i];
    }
    uint8_t* d = r->dst + (size_t)r->rows_out * n;
    for (size_t i = 0; i < n; i++) d[i] = lz_clamp8(r->acc[i] >> LZ_FIX);
    r->rows_out++;
  }
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
    for (int x = 0; x < r->tw; x++) out[4 * x + c] = lz_sample(s, sw, &r->ch, x);
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
