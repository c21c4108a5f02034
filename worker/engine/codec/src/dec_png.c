// PNG via libspng: every bit depth and colour type to RGBA8, rows streamed into the Lanczos row scaler so
// memory is the output size, not the image size. Interlaced PNGs need the whole image (Adam7 passes), budgeted.
#include <stdlib.h>

#include "codec.h"
#include "rescale.h"
#include "spng.h"

#define MB (1024 * 1024)

static int png_error(int r) {
  return cx_fail(r == SPNG_EMEM ? CX_NO_MEMORY : CX_BAD_INPUT, "%s", spng_strerror(r));
}

static int decode(spng_ctx* ctx, size_t len, int w, int h, int tw, int th, int alpha, int interlaced) {
  RowScaler rs;
  size_t row_bytes = (size_t)w * 4;
  size_t need = len + rs_bytes(w, h, tw, th) + (size_t)tw * th * 3 / 2 + 4 * MB + (interlaced ? row_bytes * h : row_bytes);
  if (need > cx.budget)
    return cx_fail(CX_OVER_BUDGET, "decoding this %dx%d %sPNG needs ~%zu MB, over the %zu MB budget", w, h,
                   interlaced ? "interlaced " : "", need / MB, cx.budget / MB);
  if (!rs_init(&rs, w, h, tw, th, alpha)) return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", tw, th);
  int r;
  if (interlaced) {
    uint8_t* img = malloc(row_bytes * h);
    if (!img) { rs_free(&rs); return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", w, h); }
    r = spng_decode_image(ctx, img, row_bytes * h, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
    if (r) { free(img); rs_free(&rs); return png_error(r); }
    for (int y = 0; y < h; y++) rs_row(&rs, img + row_bytes * y);
    free(img);
    return rs_finish(&rs);
  }
  uint8_t* row = malloc(row_bytes);
  if (!row) { rs_free(&rs); return cx_fail(CX_NO_MEMORY, "out of memory"); }
  r = spng_decode_image(ctx, NULL, 0, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS | SPNG_DECODE_PROGRESSIVE);
  for (int y = 0; !r && y < h; y++) {
    r = spng_decode_row(ctx, row, row_bytes);
    if (r == SPNG_EOI && y == h - 1) r = 0; // the last row reports end-of-image
    if (!r) rs_row(&rs, row);
  }
  free(row);
  if (r) { rs_free(&rs); return png_error(r); }
  return rs_finish(&rs);
}

int cx_decode_png(const uint8_t* d, size_t len, int box_long, int box_short) {
  spng_ctx* ctx = spng_ctx_new(0);
  if (!ctx) return cx_fail(CX_NO_MEMORY, "out of memory starting the PNG decoder");
  // A broken ancillary chunk (bad iCCP, text) must not sink the pixels: discard it, as libpng does.
  spng_set_crc_action(ctx, SPNG_CRC_ERROR, SPNG_CRC_DISCARD);
  spng_set_chunk_limits(ctx, 16 * MB, 32 * MB);
  spng_set_png_buffer(ctx, d, len);
  struct spng_ihdr ihdr;
  int r = spng_get_ihdr(ctx, &ihdr), rc;
  if (r) { rc = png_error(r); spng_ctx_free(ctx); return rc; }
  int w = (int)ihdr.width, h = (int)ihdr.height;
  cx.src_w = w, cx.src_h = h;
  if ((rc = cx_check_size(w, h)) != CX_OK) { spng_ctx_free(ctx); return rc; }
  struct spng_exif exif;
  if (!spng_get_exif(ctx, &exif)) cx.orientation = cx_exif_orientation((const uint8_t*)exif.data, exif.length);
  struct spng_iccp iccp;
  int gray = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE || ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;
  if (!gray && !spng_get_iccp(ctx, &iccp)) cx_set_icc((const uint8_t*)iccp.profile, iccp.profile_len);
  struct spng_trns trns;
  int alpha = ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA || ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA ||
              !spng_get_trns(ctx, &trns);
  int tw, th;
  cx_fit(w, h, box_long, box_short, &tw, &th);
  rc = decode(ctx, len, w, h, tw, th, alpha, ihdr.interlace_method != 0);
  spng_ctx_free(ctx);
  return rc;
}
