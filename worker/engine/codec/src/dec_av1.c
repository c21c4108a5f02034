// AVIF: the container is read in TypeScript (worker/formats/avif.ts: primary item, av1C, alpha item,
// irot/imir, ICC); here dav1d decodes the AV1 OBUs of the colour item (and of the alpha item) once, at
// full size (AV1 has no scaled decode), and the planes are converted into our YUV 4:2:0 picture in VP8's
// limited BT.601 range: any bit depth (8/10/12), layout (4:0:0/4:2:0/4:2:2/4:4:4), range and the
// BT.709/BT.2020 matrices (a 3×3 on Y'CbCr). The cascade then shrinks it like any other input.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dav1d/dav1d.h"

#define MB (1024 * 1024)

static void no_free(const uint8_t* buf, void* cookie) {}

/** One AV1 still: the first picture dav1d returns for `obu`. */
static int decode_still(const uint8_t* obu, size_t len, Dav1dPicture* pic) {
  Dav1dSettings s;
  dav1d_default_settings(&s);
  s.n_threads = 1, s.max_frame_delay = 1, s.all_layers = 0, s.frame_size_limit = 0;
  Dav1dContext* c = NULL;
  if (dav1d_open(&c, &s) < 0) return cx_fail(CX_NO_MEMORY, "out of memory starting the AV1 decoder");
  Dav1dData data;
  memset(pic, 0, sizeof *pic);
  int rc = dav1d_data_wrap(&data, obu, len, no_free, NULL);
  if (rc < 0) { dav1d_close(&c); return cx_fail(CX_NO_MEMORY, "out of memory for the AV1 data"); }
  int got = 0;
  for (int tries = 0; tries < 64 && !got; tries++) {
    if (data.sz > 0) {
      rc = dav1d_send_data(c, &data);
      if (rc < 0 && rc != DAV1D_ERR(EAGAIN)) break;
    }
    rc = dav1d_get_picture(c, pic);
    if (rc == 0) got = 1;
    else if (rc != DAV1D_ERR(EAGAIN)) break;
    else if (data.sz == 0) { // all data sent: drain
      rc = dav1d_get_picture(c, pic);
      got = rc == 0;
      break;
    }
  }
  if (data.sz > 0) dav1d_data_unref(&data);
  dav1d_close(&c);
  if (!got) {
    if (rc == DAV1D_ERR(ENOMEM)) return cx_fail(CX_NO_MEMORY, "out of memory decoding AV1");
    return cx_fail(CX_BAD_INPUT, "the AV1 image data is corrupt or truncated (dav1d error %d)", rc);
  }
  return CX_OK;
}

static inline int sample(const Dav1dPicture* p, int plane, int x, int y) {
  ptrdiff_t stride = p->stride[plane > 0];
  const uint8_t* row = (const uint8_t*)p->data[plane] + y * stride;
  return p->p.bpc > 8 ? ((const uint16_t*)row)[x] : row[x];
}

/** Converts the decoded colour picture into cx.cur (YUV 4:2:0, VP8 limited BT.601). */
static int import_colour(const Dav1dPicture* p, int with_alpha) {
  int w = p->p.w, h = p->p.h, max = (1 << p->p.bpc) - 1, lay = p->p.layout;
  const Dav1dSequenceHeader* sh = p->seq_hdr;
  int full = sh->color_range;
  double kr = 0.299, kb = 0.114; // BT.601 (also for unknown / unspecified)
  if (sh->mtrx == DAV1D_MC_BT709) kr = 0.2126, kb = 0.0722;
  if (sh->mtrx == DAV1D_MC_BT2020_NCL || sh->mtrx == DAV1D_MC_BT2020_CL) kr = 0.2627, kb = 0.0593;
  if (sh->mtrx == DAV1D_MC_IDENTITY) return cx_fail(CX_UNSUPPORTED, "AV1 stored as RGB (identity matrix) is not decoded");
  // Y'CbCr(source matrix) -> R'G'B' -> Y'CbCr(BT.601): grey stays grey, so Y' gains a Cb/Cr term and
  // Cb/Cr mix among themselves.
  const double r601 = 0.299, b601 = 0.114, g601 = 1 - r601 - b601, kg = 1 - kr - kb;
  // R = Y + cr_r*Cr, G = Y + cb_g*Cb + cr_g*Cr, B = Y + cb_b*Cb
  double cr_r = 2 * (1 - kr), cb_b = 2 * (1 - kb), cb_g = -cb_b * kb / kg, cr_g = -cr_r * kr / kg;
  double yb = g601 * cb_g + b601 * cb_b, yr = r601 * cr_r + g601 * cr_g; // Y' = Y + yb*Cb + yr*Cr
  // Cb' = (B' - Y')/(2(1-b601)), Cr' = (R' - Y')/(2(1-r601))
  double bb = (cb_b - yb) / (2 * (1 - b601)), br = -yr / (2 * (1 - b601));
  double rb = -yb / (2 * (1 - r601)), rr = (cr_r - yr) / (2 * (1 - r601));
  double ys = full ? 1.0 / max : 1.0 / (219 << (p->p.bpc - 8)), yo = full ? 0 : 16 << (p->p.bpc - 8);
  double cs = full ? 1.0 / max : 1.0 / (224 << (p->p.bpc - 8)), co = 1 << (p->p.bpc - 1);

  WebPPicture* o = &cx.cur;
  WebPPictureInit(o);
  o->use_argb = 0, o->colorspace = with_alpha ? WEBP_YUV420A : WEBP_YUV420, o->width = w, o->height = h;
  if (!WebPPictureAlloc(o)) return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", w, h);
  int sx = lay == DAV1D_PIXEL_LAYOUT_I420 || lay == DAV1D_PIXEL_LAYOUT_I422, sy = lay == DAV1D_PIXEL_LAYOUT_I420;
  int grey = lay == DAV1D_PIXEL_LAYOUT_I400;
  int cw = (w + 1) / 2, ch = (h + 1) / 2;
  // Chroma first, box-averaged onto the 4:2:0 grid; luma then picks its co-sited chroma sample.
  for (int y = 0; y < ch; y++) {
    for (int x = 0; x < cw; x++) {
      double cb = 0, cr = 0;
      if (!grey) {
        int n = 0;
        for (int dy = 0; dy < 2; dy++) {
          int yy = 2 * y + dy;
          if (yy >= h) break;
          for (int dx = 0; dx < 2; dx++) {
            int xx = 2 * x + dx;
            if (xx >= w) break;
            cb += sample(p, 1, xx >> sx, yy >> sy), cr += sample(p, 2, xx >> sx, yy >> sy), n++;
          }
        }
        cb = (cb / n - co) * cs, cr = (cr / n - co) * cs;
      }
      double ncb = bb * cb + br * cr, ncr = rb * cb + rr * cr;
      int u = (int)lrint(128 + 224 * ncb), v = (int)lrint(128 + 224 * ncr);
      o->u[(size_t)y * o->uv_stride + x] = (uint8_t)(u < 16 ? 16 : u > 240 ? 240 : u);
      o->v[(size_t)y * o->uv_stride + x] = (uint8_t)(v < 16 ? 16 : v > 240 ? 240 : v);
      for (int dy = 0; dy < 2 && 2 * y + dy < h; dy++) {
        for (int dx = 0; dx < 2 && 2 * x + dx < w; dx++) {
          int xx = 2 * x + dx, yy = 2 * y + dy;
          double yv = (sample(p, 0, xx, yy) - yo) * ys;
          if (!grey) {
            double pcb = (sample(p, 1, xx >> sx, yy >> sy) - co) * cs, pcr = (sample(p, 2, xx >> sx, yy >> sy) - co) * cs;
            yv += yb * pcb + yr * pcr;
          }
          int Y = (int)lrint(16 + 219 * yv);
          o->y[(size_t)yy * o->y_stride + xx] = (uint8_t)(Y < 16 ? 16 : Y > 235 ? 235 : Y);
        }
      }
    }
  }
  return CX_OK;
}

/** The alpha item's luma (any bit depth and range) into cx.cur's alpha plane (allocated with the picture). */
static int import_alpha(const Dav1dPicture* a) {
  WebPPicture* o = &cx.cur;
  if (a->p.w != o->width || a->p.h != o->height) return cx_fail(CX_UNSUPPORTED, "an alpha plane of another size is not decoded");
  int max = (1 << a->p.bpc) - 1, full = a->seq_hdr->color_range, lo = 16 << (a->p.bpc - 8), span = 219 << (a->p.bpc - 8);
  for (int y = 0; y < o->height; y++)
    for (int x = 0; x < o->width; x++) {
      int v = sample(a, 0, x, y);
      int a8 = full ? (v * 255 + max / 2) / max : ((v - lo) * 255 + span / 2) / span;
      o->a[(size_t)y * o->a_stride + x] = (uint8_t)(a8 < 0 ? 0 : a8 > 255 ? 255 : a8);
    }
  return CX_OK;
}

int cx_decode_av1(const uint8_t* colour, size_t len, const uint8_t* alpha, size_t alpha_len, int w, int h) {
  cx.src_w = w, cx.src_h = h;
  int rc = cx_check_size(w, h);
  if (rc != CX_OK) return rc;
  // dav1d's picture (with its padding and 16-bit samples past 8 bits) + ours + its own state.
  size_t need = len + alpha_len + (size_t)w * h * (3 + (alpha ? 3 : 0)) + (size_t)w * h * 3 / 2 + 8 * MB;
  if (need > cx.budget)
    return cx_fail(CX_OVER_BUDGET, "decoding this %dx%d AVIF needs ~%zu MB, over the %zu MB budget", w, h, need / MB, cx.budget / MB);
  Dav1dPicture pic;
  if ((rc = decode_still(colour, len, &pic)) != CX_OK) return rc;
  if (pic.p.w != w || pic.p.h != h) {
    dav1d_picture_unref(&pic);
    return cx_fail(CX_BAD_INPUT, "the AV1 picture is %dx%d, the file says %dx%d", pic.p.w, pic.p.h, w, h);
  }
  rc = import_colour(&pic, alpha != NULL);
  dav1d_picture_unref(&pic);
  if (rc != CX_OK || !alpha) return rc;
  if ((rc = decode_still(alpha, alpha_len, &pic)) != CX_OK) return rc;
  rc = import_alpha(&pic);
  dav1d_picture_unref(&pic);
  return rc;
}
