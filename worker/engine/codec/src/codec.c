// The exported API: decode once, then outputs largest-first, each rescaled from the current pixels.
#include "codec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/webp/mux.h"

Codec cx;
static size_t max_pixels;

int cx_fail(int code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cx.message, sizeof cx.message, fmt, ap);
  va_end(ap);
  return code;
}

void cx_free_out(void) {
  cx.out_webp = 0;
  free(cx.out);
  cx.out = NULL;
  cx.out_len = 0;
}

void cx_reset(void) {
  WebPPictureFree(&cx.cur);
  for (int i = 0; i < CX_SLOTS; i++) WebPPictureFree(&cx.slots[i]);
  free(cx.icc);
  free(cx.reload);
  cx_free_out();
  memset(&cx, 0, sizeof cx);
}

int cx_version(void) { return CX_VERSION; }
const char* cx_message(void) { return cx.message; }

enum { K_FORMAT, K_SRC_W, K_SRC_H, K_ORIENTATION, K_CUR_W, K_CUR_H, K_SCALE, K_REDUCED, K_ICC_LEN,
       K_OUT_PTR, K_OUT_LEN, K_OUT_W, K_OUT_H, K_ALPHA };

int cx_get(int key) {
  switch (key) {
    case K_FORMAT: return cx.format;
    case K_SRC_W: return cx.src_w;
    case K_SRC_H: return cx.src_h;
    case K_ORIENTATION: return cx.orientation;
    case K_CUR_W: return cx.cur.width;
    case K_CUR_H: return cx.cur.height;
    case K_SCALE: return cx.scale_num;
    case K_REDUCED: return cx.reduced;
    case K_ICC_LEN: return (int)cx.icc_len;
    case K_OUT_PTR: return (int)(uintptr_t)cx.out;
    case K_OUT_LEN: return (int)cx.out_len;
    case K_OUT_W: return cx.out_w;
    case K_OUT_H: return cx.out_h;
    case K_ALPHA: return cx.cur.a != NULL;
    default: return -1;
  }
}

/** Fit w x h inside a box given as (long side, short side), never enlarging. Same rounding as sharp. */
void cx_fit(int w, int h, int box_long, int box_short, int* tw, int* th) {
  double lng = w > h ? w : h, shrt = w > h ? h : w;
  double s = fmin(1.0, fmin(box_long / lng, box_short / shrt));
  *tw = (int)fmax(1, floor(w * s + 0.5));
  *th = (int)fmax(1, floor(h * s + 0.5));
}

/** Dimension and pixel-count guard shared by the decoders, before anything is allocated. */
int cx_check_size(int w, int h) {
  if (w <= 0 || h <= 0) return cx_fail(CX_BAD_INPUT, "invalid image dimensions %dx%d", w, h);
  if ((double)w * h > (double)max_pixels)
    return cx_fail(CX_BAD_INPUT, "image has too many pixels (%dx%d, limit %zu)", w, h, max_pixels);
  return CX_OK;
}

void cx_keep_for_reload(const uint8_t* data, size_t len) {
  if (cx.reduced || (size_t)cx.src_w * cx.src_h > RELOAD_MAX_PIXELS || !(cx.reload = malloc(len))) return;
  memcpy(cx.reload, data, len);
  cx.reload_len = len;
}

/** Replace cx.cur with the RGBA buffer converted to YUV420(A) (VP8 range): 1.5 bytes/px from here on. */
int cx_import_rgba(const uint8_t* rgba, int w, int h, int stride) {
  WebPPictureFree(&cx.cur);
  WebPPictureInit(&cx.cur);
  cx.cur.use_argb = 0;
  cx.cur.width = w;
  cx.cur.height = h;
  if (!WebPPictureImportRGBA(&cx.cur, rgba, stride)) return cx_fail(CX_NO_MEMORY, "out of memory converting pixels");
  return CX_OK;
}

/**
 * Decode `data` once, at the smallest size that still covers the largest output box (long x short side).
 * budget: bytes of wasm memory the whole job may reach; pixel_limit: refuse larger images outright.
 */
int cx_decode(const uint8_t* data, int len, int box_long, int box_short, int budget, int pixel_limit) {
  cx_reset();
  cx.orientation = 1;
  cx.budget = (size_t)budget;
  max_pixels = (size_t)pixel_limit;
  if (len <= 0) return cx_fail(CX_BAD_INPUT, "empty file");
  const uint8_t* d = data;
  int rc;
  if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
    cx.format = FMT_JPEG;
    rc = cx_decode_jpeg(d, (size_t)len, box_long, box_short);
  } else if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
    cx.format = FMT_PNG;
    rc = cx_decode_png(d, (size_t)len, box_long, box_short);
  } else if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) {
    cx.format = FMT_WEBP;
    rc = cx_decode_webp(d, (size_t)len, box_long, box_short);
  } else if (len >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4) || !memcmp(d, "II+\0", 4) || !memcmp(d, "MM\0+", 4))) {
    cx.format = FMT_TIFF;
    rc = cx_decode_tiff(d, (size_t)len, box_long, box_short);
  } else {
    return cx_fail(CX_UNSUPPORTED, "not a JPEG, PNG, WebP or TIFF file");
  }
  if (rc != CX_OK) WebPPictureFree(&cx.cur);
  return rc;
}

/**
 * An AVIF whose container TypeScript has read (worker/formats/avif.ts): the colour item's AV1 data (with
 * av1C's config OBUs first), the alpha item's (or none), the ispe size, irot/imir as an EXIF orientation,
 * and the colr ICC profile (or none). dav1d decodes the whole frame; it is shrunk to the largest output
 * box as it is converted (dec_av1.c), then the cascade goes on like for any input.
 */
int cx_decode_avif(const uint8_t* colour, int len, const uint8_t* alpha, int alpha_len, int w, int h, int orientation,
                   const uint8_t* icc, int icc_len, int box_long, int box_short, int budget, int pixel_limit) {
  cx_reset();
  cx.format = FMT_AVIF;
  cx.orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
  cx.budget = (size_t)budget;
  max_pixels = (size_t)pixel_limit;
  if (len <= 0) return cx_fail(CX_BAD_INPUT, "the AVIF holds no image data");
  if (icc && icc_len > 0) cx_set_icc(icc, (size_t)icc_len);
  int rc = cx_decode_av1(colour, (size_t)len, alpha_len > 0 ? alpha : NULL, (size_t)alpha_len, w, h, box_long, box_short);
  if (rc != CX_OK) WebPPictureFree(&cx.cur);
  return rc;
}

/** WebP-encode `pic` into cx.out, with the source's ICC profile when it has a non-sRGB one. */
static int encode(const WebPPicture* pic, int quality, int method) {
  WebPConfig cfg;
  if (!WebPConfigInit(&cfg)) return cx_fail(CX_USAGE, "libwebp version mismatch");
  cfg.quality = (float)quality;
  cfg.method = method;
  if (!WebPValidateConfig(&cfg)) return cx_fail(CX_USAGE, "invalid WebP settings q=%d m=%d", quality, method);
  WebPMemoryWriter w;
  WebPMemoryWriterInit(&w);
  WebPPicture p = *pic; // shallow: the encoder only reads the planes
  p.writer = WebPMemoryWrite;
  p.custom_ptr = &w;
  p.stats = NULL;
  if (!WebPEncode(&cfg, &p)) {
    WebPMemoryWriterClear(&w);
    if (p.error_code == VP8_ENC_ERROR_OUT_OF_MEMORY || p.error_code == VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY)
      return cx_fail(CX_NO_MEMORY, "out of memory encoding WebP");
    return cx_fail(CX_USAGE, "WebP encoder error %d", p.error_code);
  }
  cx_free_out();
  if (!cx.icc) {
    cx.out = w.mem;
    cx.out_len = w.size;
  } else {
    WebPMux* mux = WebPMuxNew();
    WebPData img = {w.mem, w.size}, icc = {cx.icc, cx.icc_len}, full;
    WebPDataInit(&full);
    int ok = mux && WebPMuxSetImage(mux, &img, 0) == WEBP_MUX_OK && WebPMuxSetChunk(mux, "ICCP", &icc, 0) == WEBP_MUX_OK &&
             WebPMuxAssemble(mux, &full) == WEBP_MUX_OK;
    WebPMuxDelete(mux);
    WebPMemoryWriterClear(&w);
    if (!ok) return cx_fail(CX_NO_MEMORY, "out of memory adding the ICC profile");
    cx.out = (uint8_t*)full.bytes;
    cx.out_len = full.size;
  }
  cx.out_w = pic->width;
  cx.out_h = pic->height;
  cx.out_webp = 1;
  return CX_OK;
}

/** Size the current pixels to fit (long, short) — never enlarging — for the next output in the cascade. */
int cx_shrink_to(int box_long, int box_short) {
  int tw, th;
  cx_fit(cx.src_w, cx.src_h, box_long, box_short, &tw, &th);
  // Decoded smaller than asked (budget) or called out of order: fit what we have instead of enlarging.
  if (tw > cx.cur.width || th > cx.cur.height) cx_fit(cx.cur.width, cx.cur.height, box_long, box_short, &tw, &th);
  if (tw == cx.cur.width && th == cx.cur.height) return CX_OK;
  int rc = cx.format == FMT_WEBP ? cx_webp_reload(tw, th) : CX_OK;
  if (rc != CX_OK) return rc;
  if (tw == cx.cur.width && th == cx.cur.height) return CX_OK;
  if (!cx_resample(&cx.cur, tw, th)) return cx_fail(CX_NO_MEMORY, "out of memory resizing to %dx%d", tw, th);
  return CX_OK;
}

/** The next output, upright, as WebP: call largest first; each one shrinks the pixels for the next. */
int cx_output(int box_long, int box_short, int quality, int method) {
  if (!cx.cur.y) return cx_fail(CX_USAGE, "no decoded image");
  int w = cx.cur.width, h = cx.cur.height;
  int rc = cx_shrink_to(box_long, box_short);
  if (rc != CX_OK) return rc;
  // A small photo fits several boxes unchanged: the previous output is already this one.
  if (cx.out_webp && w == cx.cur.width && h == cx.cur.height && quality == cx.out_quality && method == cx.out_method) return CX_OK;
  cx.out_webp = 0;
  cx.out_quality = quality, cx.out_method = method;
  return cx_encode_upright(&cx.cur, quality, method);
}

/** `pic` turned upright by the file's orientation, WebP-encoded into cx.out. */
int cx_encode_upright(const WebPPicture* pic, int quality, int method) {
  if (cx.orientation == 1) return encode(pic, quality, method);
  WebPPicture upright;
  if (!cx_orient_yuv(pic, &upright, cx.orientation)) return cx_fail(CX_NO_MEMORY, "out of memory rotating");
  int rc = encode(&upright, quality, method);
  WebPPictureFree(&upright);
  return rc;
}

/** Upright RGBA of the current pixels fitted in max_side x max_side (for ThumbHash); cx.cur is untouched. */
int cx_rgba(int max_side) {
  if (!cx.cur.y) return cx_fail(CX_USAGE, "no decoded image");
  WebPPicture small;
  WebPPictureInit(&small);
  int tw, th;
  cx_fit(cx.cur.width, cx.cur.height, max_side, max_side, &tw, &th);
  if (!WebPPictureCopy(&cx.cur, &small) || !WebPPictureRescale(&small, tw, th) || !WebPPictureYUVAToARGB(&small)) {
    WebPPictureFree(&small);
    return cx_fail(CX_NO_MEMORY, "out of memory making the RGBA preview");
  }
  uint32_t* px = malloc((size_t)tw * th * 4);
  if (!px) {
    WebPPictureFree(&small);
    return cx_fail(CX_NO_MEMORY, "out of memory making the RGBA preview");
  }
  cx_orient_rgba(small.argb, tw, th, px, cx.orientation);
  WebPPictureFree(&small);
  uint8_t* b = (uint8_t*)px;
  for (size_t i = 0, n = (size_t)tw * th; i < n; i++) {
    uint32_t v = px[i];
    b[4 * i] = (uint8_t)(v >> 16), b[4 * i + 1] = (uint8_t)(v >> 8), b[4 * i + 2] = (uint8_t)v, b[4 * i + 3] = (uint8_t)(v >> 24);
  }
  cx_free_out();
  cx.out = b;
  cx.out_len = (size_t)tw * th * 4;
  cx.out_w = cx.orientation >= 5 ? th : tw;
  cx.out_h = cx.orientation >= 5 ? tw : th;
  return CX_OK;
}
