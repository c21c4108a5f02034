// AVIF: the container is read in TypeScript (worker/formats/avif.ts: primary item, av1C, alpha item,
// irot/imir, ICC); here dav1d decodes the AV1 OBUs of the colour item (and of the alpha item) once. AV1
// has no reduced-size decode: dav1d always reconstructs the whole frame (its prediction, loop filter, CDEF
// and restoration address the full picture). What we avoid is a second full-size copy: an opaque image is
// converted row by row from dav1d's planes — any bit depth (8/10/12), layout (4:0:0/4:2:0/4:2:2/4:4:4),
// range, BT.601/709/2020 matrix (a 3x3 on Y'CbCr) — into VP8's limited BT.601 4:2:0, and shrunk on the
// fly by the streaming Lanczos-3 (rescale.c) to the largest output. So a 24 MP 8-bit 4:2:0 AVIF needs
// dav1d's frame (~37 MB) plus the 2160 output (~10 MB). One with alpha is converted at full size (alpha is
// scaled with the colour by libwebp's premultiplying rescaler later), within the same budget check.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dav1d/dav1d.h"
#include "rescale.h"

#define MB (1024 * 1024)

static void no_free(const uint8_t* buf, void* cookie) {}

/** One AV1 still: the first picture dav1d returns for `obu`. */
static int decode_still(const uint8_t* obu, size_t len, unsigned max_pixels, Dav1dPicture* pic) {
  Dav1dSettings s;
  dav1d_default_settings(&s);
  // No film grain: it would need a second frame-sized picture, and it is noise that our downscaled
  // outputs average away. The frame may not be larger than the container said (budgeted for).
  s.n_threads = 1, s.max_frame_delay = 1, s.all_layers = 0, s.frame_size_limit = max_pixels, s.apply_grain = 0;
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

typedef struct {
  double ys, yo, cs, co, yb, yr, bb, br, rb, rr;
  int sx, sy, grey, mix; // chroma subsampling; no chroma; chroma feeds luma (matrix other than BT.601)
  uint8_t ylut[4096];    // luma sample -> VP8 luma, when chroma does not feed it
} Conv;

static uint8_t vp8_luma(double yv) {
  int Y = (int)lrint(16 + 219 * yv);
  return (uint8_t)(Y < 16 ? 16 : Y > 235 ? 235 : Y);
}

/** Y'CbCr(source matrix) -> R'G'B' -> Y'CbCr(BT.601): grey stays grey, so Y' gains a Cb/Cr term and
 * Cb/Cr mix among themselves. */
static int conv_init(const Dav1dPicture* p, Conv* k) {
  int max = (1 << p->p.bpc) - 1, lay = p->p.layout, full = p->seq_hdr->color_range, mtrx = p->seq_hdr->mtrx;
  double kr = 0.299, kb = 0.114; // BT.601 (also for unknown / unspecified)
  if (mtrx == DAV1D_MC_BT709) kr = 0.2126, kb = 0.0722;
  if (mtrx == DAV1D_MC_BT2020_NCL || mtrx == DAV1D_MC_BT2020_CL) kr = 0.2627, kb = 0.0593;
  if (mtrx == DAV1D_MC_IDENTITY) return cx_fail(CX_UNSUPPORTED, "AV1 stored as RGB (identity matrix) is not decoded");
  const double r601 = 0.299, b601 = 0.114, g601 = 1 - r601 - b601, kg = 1 - kr - kb;
  // R = Y + cr_r*Cr, G = Y + cb_g*Cb + cr_g*Cr, B = Y + cb_b*Cb
  double cr_r = 2 * (1 - kr), cb_b = 2 * (1 - kb), cb_g = -cb_b * kb / kg, cr_g = -cr_r * kr / kg;
  k->yb = g601 * cb_g + b601 * cb_b, k->yr = r601 * cr_r + g601 * cr_g; // Y' = Y + yb*Cb + yr*Cr
  // Cb' = (B' - Y')/(2(1-b601)), Cr' = (R' - Y')/(2(1-r601))
  k->bb = (cb_b - k->yb) / (2 * (1 - b601)), k->br = -k->yr / (2 * (1 - b601));
  k->rb = -k->yb / (2 * (1 - r601)), k->rr = (cr_r - k->yr) / (2 * (1 - r601));
  k->ys = full ? 1.0 / max : 1.0 / (219 << (p->p.bpc - 8)), k->yo = full ? 0 : 16 << (p->p.bpc - 8);
  k->cs = full ? 1.0 / max : 1.0 / (224 << (p->p.bpc - 8)), k->co = 1 << (p->p.bpc - 1);
  k->sx = lay == DAV1D_PIXEL_LAYOUT_I420 || lay == DAV1D_PIXEL_LAYOUT_I422, k->sy = lay == DAV1D_PIXEL_LAYOUT_I420;
  k->grey = lay == DAV1D_PIXEL_LAYOUT_I400;
  k->mix = !k->grey && (fabs(k->yb) > 1e-9 || fabs(k->yr) > 1e-9);
  for (int v = 0; v <= max; v++) k->ylut[v] = vp8_luma((v - k->yo) * k->ys);
  return CX_OK;
}

/** Source row `yy` as VP8 luma (each pixel with its co-sited chroma when the matrix mixes it in). */
static void luma_row(const Dav1dPicture* p, const Conv* k, int yy, uint8_t* out) {
  const uint8_t* row = (const uint8_t*)p->data[0] + yy * p->stride[0];
  if (!k->mix && p->p.bpc == 8) {
    for (int xx = 0; xx < p->p.w; xx++) out[xx] = k->ylut[row[xx]];
  } else if (!k->mix) {
    for (int xx = 0; xx < p->p.w; xx++) out[xx] = k->ylut[((const uint16_t*)row)[xx] & 4095];
  } else {
    for (int xx = 0; xx < p->p.w; xx++) {
      int sx = xx >> k->sx, sy = yy >> k->sy;
      double yv = (sample(p, 0, xx, yy) - k->yo) * k->ys;
      out[xx] = vp8_luma(yv + k->yb * (sample(p, 1, sx, sy) - k->co) * k->cs + k->yr * (sample(p, 2, sx, sy) - k->co) * k->cs);
    }
  }
}

/** Row `y` of the 4:2:0 chroma grid: each sample the box average of the source chroma under its 2x2. */
static void chroma_row(const Dav1dPicture* p, const Conv* k, int y, uint8_t* ou, uint8_t* ov) {
  int w = p->p.w, h = p->p.h, cw = (w + 1) / 2;
  for (int x = 0; x < cw; x++) {
    double cb = 0, cr = 0;
    if (!k->grey) {
      int n = 0;
      for (int dy = 0; dy < 2 && 2 * y + dy < h; dy++)
        for (int dx = 0; dx < 2 && 2 * x + dx < w; dx++) {
          int xx = (2 * x + dx) >> k->sx, yy = (2 * y + dy) >> k->sy;
          cb += sample(p, 1, xx, yy), cr += sample(p, 2, xx, yy), n++;
        }
      cb = (cb / n - k->co) * k->cs, cr = (cr / n - k->co) * k->cs;
    }
    int u = (int)lrint(128 + 224 * (k->bb * cb + k->br * cr)), v = (int)lrint(128 + 224 * (k->rb * cb + k->rr * cr));
    ou[x] = (uint8_t)(u < 16 ? 16 : u > 240 ? 240 : u);
    ov[x] = (uint8_t)(v < 16 ? 16 : v > 240 ? 240 : v);
  }
}

/** The decoded colour picture into cx.cur (YUV 4:2:0, VP8 limited BT.601) at tw x th, row by row. */
static int import_colour(const Dav1dPicture* p, int with_alpha, int tw, int th) {
  Conv k;
  int rc = conv_init(p, &k);
  if (rc != CX_OK) return rc;
  int w = p->p.w, h = p->p.h, cw = (w + 1) / 2, ch = (h + 1) / 2, scaled = tw != w || th != h;
  WebPPicture* o = &cx.cur;
  WebPPictureInit(o);
  o->use_argb = 0, o->colorspace = with_alpha ? WEBP_YUV420A : WEBP_YUV420, o->width = tw, o->height = th;
  if (!WebPPictureAlloc(o)) return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", tw, th);
  if (!scaled) {
    for (int y = 0; y < h; y++) luma_row(p, &k, y, o->y + (size_t)y * o->y_stride);
    for (int y = 0; y < ch; y++) chroma_row(p, &k, y, o->u + (size_t)y * o->uv_stride, o->v + (size_t)y * o->uv_stride);
    return CX_OK;
  }
  PlaneScaler sy, su, sv;
  int tcw = (tw + 1) / 2, tch = (th + 1) / 2;
  uint8_t* rows = malloc((size_t)w + 2 * (size_t)cw);
  int ok = rows && ps_init(&sy, w, h, tw, th, o->y, o->y_stride);
  ok = ok && ps_init(&su, cw, ch, tcw, tch, o->u, o->uv_stride);
  ok = ok && ps_init(&sv, cw, ch, tcw, tch, o->v, o->uv_stride);
  if (ok) {
    for (int y = 0; y < h; y++) {
      luma_row(p, &k, y, rows);
      ps_row(&sy, rows);
      if (y % 2 == 1 || y == h - 1) {
        chroma_row(p, &k, y / 2, rows + w, rows + w + cw);
        ps_row(&su, rows + w), ps_row(&sv, rows + w + cw);
      }
    }
  }
  free(rows);
  ps_free(&sy), ps_free(&su), ps_free(&sv);
  return ok ? CX_OK : cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", tw, th);
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

/** Bytes dav1d's default allocator takes for a w x h picture (src/picture.c: 128-aligned, padded strides). */
static size_t picture_bytes(int w, int h, int hbd, int layout) {
  size_t aw = ((size_t)w + 127) & ~(size_t)127, ah = ((size_t)h + 127) & ~(size_t)127;
  size_t ys = aw << (hbd ? 1 : 0), cs = layout == DAV1D_PIXEL_LAYOUT_I400 ? 0 : ys >> (layout != DAV1D_PIXEL_LAYOUT_I444);
  if (!(ys & 1023)) ys += 64;
  if (cs && !(cs & 1023)) cs += 64;
  return ys * ah + 2 * cs * (ah >> (layout == DAV1D_PIXEL_LAYOUT_I420)) + 64;
}

static const char* layout_name(int layout) {
  return layout == DAV1D_PIXEL_LAYOUT_I400 ? "4:0:0" : layout == DAV1D_PIXEL_LAYOUT_I420 ? "4:2:0" : layout == DAV1D_PIXEL_LAYOUT_I422 ? "4:2:2" : "4:4:4";
}

int cx_decode_av1(const uint8_t* colour, size_t len, const uint8_t* alpha, size_t alpha_len, int w, int h, int box_long, int box_short) {
  cx.src_w = w, cx.src_h = h;
  int rc = cx_check_size(w, h);
  if (rc != CX_OK) return rc;
  Dav1dSequenceHeader seq;
  if (dav1d_parse_sequence_header(&seq, colour, len) < 0) return cx_fail(CX_BAD_INPUT, "the AVIF has no valid AV1 sequence header");
  int hbd = seq.hbd > 0, bits = 8 + 2 * seq.hbd;
  int tw = w, th = h;
  if (!alpha) cx_fit(w, h, box_long, box_short, &tw, &th);
  // dav1d's frame and its per-frame state (loop-filter levels and masks, segmentation map: ~6 bytes per
  // 4x4 block, tile contexts), the AV1 data, our picture and the row scalers. Measured with a 24 MP 8-bit
  // 4:2:0 file (codec-avif.test.ts).
  size_t frame = picture_bytes(w, h, hbd, seq.layout) + (size_t)w * h / 16 * 6 + 3 * MB;
  size_t ours = (size_t)tw * th * 3 / 2 + (alpha ? (size_t)w * h : 0) + ps_bytes(w, h, tw, th) + 2 * ps_bytes((w + 1) / 2, (h + 1) / 2, (tw + 1) / 2, (th + 1) / 2);
  size_t need = len + alpha_len + frame + ours + 2 * MB;
  if (need > cx.budget)
    return cx_fail(CX_OVER_BUDGET,
                   "decoding this %dx%d %d-bit %s AVIF needs ~%zu MB (AV1 has no reduced-size decode: the whole frame is "
                   "reconstructed), over the %zu MB budget",
                   w, h, bits, layout_name(seq.layout), need / MB, cx.budget / MB);
  Dav1dPicture pic;
  if ((rc = decode_still(colour, len, (unsigned)w * (unsigned)h, &pic)) != CX_OK) return rc;
  if (pic.p.w != w || pic.p.h != h) {
    dav1d_picture_unref(&pic);
    return cx_fail(CX_BAD_INPUT, "the AV1 picture is %dx%d, the file says %dx%d", pic.p.w, pic.p.h, w, h);
  }
  rc = import_colour(&pic, alpha != NULL, tw, th);
  dav1d_picture_unref(&pic);
  if (rc != CX_OK || !alpha) return rc;
  if ((rc = decode_still(alpha, alpha_len, (unsigned)w * (unsigned)h, &pic)) != CX_OK) return rc;
  rc = import_alpha(&pic);
  dav1d_picture_unref(&pic);
  return rc;
}
