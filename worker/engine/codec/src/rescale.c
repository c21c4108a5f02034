// Streaming RGBA downscale with libwebp's rescaler: rows go in as the decoder produces them, so a PNG is
// never held at full size. Alpha is premultiplied while averaging (no dark fringes), then undone.
#include <stdlib.h>

#include "codec.h"
#include "rescale.h"
#include "src/dsp/dsp.h"

int rs_init(RowScaler* r, int sw, int sh, int tw, int th, int alpha) {
  r->tw = tw, r->th = th, r->alpha = alpha, r->premultiplied = 0;
  r->dst = malloc((size_t)tw * th * 4);
  r->work = malloc(2 * (size_t)tw * 4 * sizeof(rescaler_t));
  if (!r->dst || !r->work || !WebPRescalerInit(&r->rs, sw, sh, r->dst, tw, th, tw * 4, 4, r->work)) {
    rs_free(r);
    return 0;
  }
  if (alpha) WebPInitAlphaProcessing();
  return 1;
}

void rs_row(RowScaler* r, uint8_t* row) {
  if (r->alpha && !r->premultiplied) WebPMultARGBRow((uint32_t*)row, r->rs.src_width, 0);
  while (!WebPRescalerImport(&r->rs, 1, row, r->rs.src_width * 4)) WebPRescalerExport(&r->rs);
  WebPRescalerExport(&r->rs);
}

int rs_finish(RowScaler* r) {
  while (!WebPRescalerOutputDone(&r->rs) && WebPRescalerExport(&r->rs) > 0) {}
  if (r->alpha)
    for (int y = 0; y < r->th; y++) WebPMultARGBRow((uint32_t*)(r->dst + (size_t)y * r->tw * 4), r->tw, 1);
  int rc = cx_import_rgba(r->dst, r->tw, r->th, r->tw * 4);
  rs_free(r);
  return rc;
}

void rs_free(RowScaler* r) {
  free(r->dst), free(r->work);
  r->dst = NULL, r->work = NULL;
}
