// WebP (lossy, lossless, alpha; not animated). Opaque lossy files decode straight to their own YUV 4:2:0
// planes at full size — VP8's range is the encoder's, so nothing is converted — and the cascade resizes
// them with Lanczos-3 like a JPEG; a small one's outputs are decoded again, scaled, as sharp does. Lossless, alpha, or a lossy file too big for the budget at full size
// use libwebp's scaled decoding to RGBA instead (an area average as it goes: memory is the output size;
// lossless holds the whole image (VP8L) anyway, budgeted).
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "src/webp/decode.h"

#define MB (1024 * 1024)

/** ICCP and EXIF chunks of an extended (VP8X) file. */
static void meta(const uint8_t* d, size_t len) {
  for (size_t off = 12; off + 8 <= len;) {
    const uint8_t* c = d + off;
    size_t size = (size_t)c[4] | (size_t)c[5] << 8 | (size_t)c[6] << 16 | (size_t)c[7] << 24;
    if (size > len - off - 8) break;
    if (!memcmp(c, "ICCP", 4)) cx_set_icc(c + 8, size);
    else if (!memcmp(c, "EXIF", 4)) cx.orientation = cx_exif_orientation(c + 8, size);
    off += 8 + size + (size & 1);
  }
}

static int decode_error(VP8StatusCode st) {
  if (st == VP8_STATUS_OUT_OF_MEMORY) return cx_fail(CX_NO_MEMORY, "out of memory decoding WebP");
  if (st == VP8_STATUS_UNSUPPORTED_FEATURE) return cx_fail(CX_UNSUPPORTED, "unsupported WebP feature");
  return cx_fail(CX_BAD_INPUT, st == VP8_STATUS_NOT_ENOUGH_DATA ? "truncated WebP data" : "corrupt WebP data (status %d)", st);
}

/** An opaque lossy file into `p` as YUV 4:2:0 in VP8's range: as decoded, or scaled to w x h by libwebp. */
static int decode_yuv(const uint8_t* d, size_t len, WebPDecoderConfig* cfg, int w, int h, WebPPicture* p) {
  WebPPictureInit(p);
  p->use_argb = 0, p->colorspace = WEBP_YUV420, p->width = w, p->height = h;
  if (!WebPPictureAlloc(p)) return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", w, h);
  int ch = (h + 1) / 2;
  cfg->options.use_scaling = w != cfg->input.width || h != cfg->input.height;
  cfg->options.scaled_width = w, cfg->options.scaled_height = h;
  cfg->output.colorspace = MODE_YUV;
  cfg->output.is_external_memory = 1;
  WebPYUVABuffer* b = &cfg->output.u.YUVA;
  b->y = p->y, b->y_stride = p->y_stride, b->y_size = (size_t)p->y_stride * h;
  b->u = p->u, b->u_stride = p->uv_stride, b->u_size = (size_t)p->uv_stride * ch;
  b->v = p->v, b->v_stride = p->uv_stride, b->v_size = (size_t)p->uv_stride * ch;
  VP8StatusCode st = WebPDecode(d, len, cfg);
  if (st != VP8_STATUS_OK) {
    WebPPictureFree(p);
    return decode_error(st);
  }
  return CX_OK;
}

/**
 * Shrink-on-load as sharp does it for WebP (libvips loads it at scale 1/shrink): the output decoded
 * straight to tw x th by libwebp's rescaler (an area average, on the YUV planes). Opaque lossy files only.
 */
int cx_webp_reload(int tw, int th) {
  if (!cx.reload || (tw >= cx.src_w && th >= cx.src_h)) return CX_OK;
  WebPDecoderConfig cfg;
  if (!WebPInitDecoderConfig(&cfg)) return cx_fail(CX_USAGE, "libwebp version mismatch");
  if (WebPGetFeatures(cx.reload, cx.reload_len, &cfg.input) != VP8_STATUS_OK) return cx_fail(CX_USAGE, "kept WebP unreadable");
  WebPPicture p;
  int rc = decode_yuv(cx.reload, cx.reload_len, &cfg, tw, th, &p);
  if (rc != CX_OK) return rc;
  WebPPictureFree(&cx.cur);
  cx.cur = p;
  return CX_OK;
}

int cx_decode_webp(const uint8_t* d, size_t len, int box_long, int box_short) {
  WebPDecoderConfig cfg;
  if (!WebPInitDecoderConfig(&cfg)) return cx_fail(CX_USAGE, "libwebp version mismatch");
  VP8StatusCode st = WebPGetFeatures(d, len, &cfg.input);
  if (st != VP8_STATUS_OK)
    return cx_fail(st == VP8_STATUS_OUT_OF_MEMORY ? CX_NO_MEMORY : CX_BAD_INPUT, "invalid WebP header (status %d)", st);
  if (cfg.input.has_animation) return cx_fail(CX_UNSUPPORTED, "animated WebP is not supported");
  int w = cfg.input.width, h = cfg.input.height, rc;
  cx.src_w = w, cx.src_h = h;
  if ((rc = cx_check_size(w, h)) != CX_OK) return rc;
  meta(d, len);
  int tw, th;
  cx_fit(w, h, box_long, box_short, &tw, &th);
  // Full-size YUV, then (first cascade step) the output plus the resampler's half-resized plane.
  size_t yuv = (size_t)w * h * 3 / 2, first = (size_t)tw * th * 3 / 2 + (size_t)tw * h;
  if (cfg.input.format == 1 && !cfg.input.has_alpha && len + yuv + first + 6 * MB <= cx.budget) {
    rc = decode_yuv(d, len, &cfg, w, h, &cx.cur);
    if (rc == CX_OK) cx_keep_for_reload(d, len);
    return rc;
  }
  size_t out = (size_t)tw * th * 4;
  size_t need = len + out + (size_t)tw * th * 3 / 2 + 4 * MB + (cfg.input.format == 2 ? (size_t)w * h * 4 : (size_t)w * 64);
  if (need > cx.budget)
    return cx_fail(CX_OVER_BUDGET, "decoding this %dx%d WebP needs ~%zu MB, over the %zu MB budget", w, h, need / MB,
                   cx.budget / MB);
  uint8_t* buf = malloc(out);
  if (!buf) return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", tw, th);
  cfg.options.use_scaling = tw != w || th != h;
  cfg.options.scaled_width = tw, cfg.options.scaled_height = th;
  cfg.output.colorspace = MODE_RGBA;
  cfg.output.is_external_memory = 1;
  cfg.output.u.RGBA.rgba = buf, cfg.output.u.RGBA.stride = tw * 4, cfg.output.u.RGBA.size = out;
  st = WebPDecode(d, len, &cfg);
  if (st != VP8_STATUS_OK) {
    free(buf);
    return decode_error(st);
  }
  rc = cx_import_rgba(buf, tw, th, tw * 4);
  free(buf);
  return rc;
}
