// JPEG: libjpeg-turbo DCT-domain scaling (smallest M/8 covering the largest output), straight into
// YUV 4:2:0 planes when the file is 4:2:0 YCbCr or grey (no colour conversion, no chroma upsampling);
// other subsamplings decode to planes and have their chroma averaged to 4:2:0; RGB and CMYK/YCCK files
// go through RGBA at the scaled size.
#include <stdlib.h>
#include <string.h>

#include <wasm_simd128.h>

#include "codec.h"
#include "turbojpeg.h"

#define MB (1024 * 1024)

typedef struct {
  int adobe, progressive;
  const uint8_t* icc[256];
  size_t icc_len[256];
  int icc_count;
} Markers;

/** Walk the marker segments before the first scan: orientation, ICC chunks, Adobe APP14, SOF type. */
static void scan(const uint8_t* d, size_t len, Markers* m) {
  memset(m, 0, sizeof *m);
  int have_exif = 0;
  size_t off = 2;
  while (off + 4 <= len) {
    if (d[off] != 0xFF) break;
    uint8_t k = d[off + 1];
    if (k == 0xFF) { off++; continue; }
    if (k == 0xD8 || k == 0x01 || (k >= 0xD0 && k <= 0xD7)) { off += 2; continue; }
    if (k == 0xDA || k == 0xD9) break;
    size_t seg = (size_t)d[off + 2] << 8 | d[off + 3];
    if (seg < 2 || off + 2 + seg > len) break;
    const uint8_t* p = d + off + 4;
    size_t n = seg - 2;
    if (k == 0xE1 && !have_exif && n >= 6 && !memcmp(p, "Exif\0\0", 6)) {
      cx.orientation = cx_exif_orientation(p, n);
      have_exif = 1;
    } else if (k == 0xE2 && n > 14 && !memcmp(p, "ICC_PROFILE\0", 12)) {
      m->icc[p[12]] = p + 14;
      m->icc_len[p[12]] = n - 14;
      m->icc_count = p[13];
    } else if (k == 0xEE && n >= 12 && !memcmp(p, "Adobe", 5)) {
      m->adobe = 1;
    } else if (k == 0xC2 || k == 0xC6 || k == 0xCA || k == 0xCE) {
      m->progressive = 1;
    }
    off += 2 + seg;
  }
}

static void keep_icc(const Markers* m) {
  size_t total = 0;
  for (int i = 1; i <= m->icc_count; i++) {
    if (!m->icc[i]) return; // a chunk is missing: better no profile than a broken one
    total += m->icc_len[i];
  }
  if (!total) return;
  uint8_t* buf = malloc(total);
  if (!buf) return;
  for (int i = 1, o = 0; i <= m->icc_count; o += (int)m->icc_len[i], i++) memcpy(buf + o, m->icc[i], m->icc_len[i]);
  cx_set_icc(buf, total);
  free(buf);
}

/** libjpeg's own words decide the kind: allocation failures are retryable, the rest is the input. */
static int jpeg_error(tjhandle h) {
  const char* msg = tjGetErrorStr2(h);
  int code = strstr(msg, "Insufficient memory") || strstr(msg, "Memory") ? CX_NO_MEMORY
             : strstr(msg, "Unsupported") || strstr(msg, "not supported") ? CX_UNSUPPORTED
                                                                         : CX_BAD_INPUT;
  return cx_fail(code, "%s", msg);
}

/** Peak heap for a decode at M/8 plus the first output (rescale copy, orientation copy, encoder). */
static size_t estimate(size_t len, int w, int h, int m, int progressive, double samples, int rgba, int sub420, int tw, int th) {
  size_t sw = ((size_t)w * m + 7) / 8, sh = ((size_t)h * m + 7) / 8;
  size_t decoded = sw * sh * 3 / 2;
  size_t scratch = rgba ? sw * sh * 4 : sub420 ? 0 : 2 * sw * sh; // RGBA, or chroma planes before averaging
  size_t coefs = progressive ? (size_t)((double)w * h * samples * 2) : 0; // whole-image DCT coefficients
  size_t first = (size_t)(tw < (int)sw ? tw : sw) * (th < (int)sh ? th : sh) * 3 / 2; // never enlarged
  size_t peak = coefs + decoded + scratch;
  if (2 * decoded + first > peak) peak = 2 * decoded + first; // resampling keeps a half-resized copy
  if (3 * first > peak) peak = 3 * first;
  return len + peak + 6 * MB;
}

/** Box-average (or repeat) a chroma plane of any subsampling onto the 4:2:0 grid. */
static void to420(const uint8_t* s, int pw, int ph, uint8_t* d, int ds, int cw, int ch) {
  if ((pw + 1) / 2 == cw && (ph + 1) / 2 == ch) { // 4:4:4 (phones): 2x2 pairs, a lone last column/row alone
    for (int y = 0; y < ch; y++) {
      const uint8_t *r0 = s + (size_t)(2 * y) * pw, *r1 = 2 * y + 1 < ph ? r0 + pw : r0;
      uint8_t* o = d + (size_t)y * ds;
      int x = 0;
      for (; 2 * x + 1 < pw; x++) o[x] = (uint8_t)((r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + 2) >> 2);
      if (x < cw) o[x] = (uint8_t)((r0[2 * x] + r1[2 * x] + 1) >> 1);
    }
    return;
  }
  if (pw == cw && (ph + 1) / 2 == ch) { // 4:2:2: vertical pairs
    for (int y = 0; y < ch; y++) {
      const uint8_t *r0 = s + (size_t)(2 * y) * pw, *r1 = 2 * y + 1 < ph ? r0 + pw : r0;
      uint8_t* o = d + (size_t)y * ds;
      for (int x = 0; x < cw; x++) o[x] = (uint8_t)((r0[x] + r1[x] + 1) >> 1);
    }
    return;
  }
  for (int y = 0; y < ch; y++) {
    int y0 = (int)((long)y * ph / ch), y1 = (int)((long)(y + 1) * ph / ch);
    if (y1 <= y0) y1 = y0 + 1;
    for (int x = 0; x < cw; x++) {
      int x0 = (int)((long)x * pw / cw), x1 = (int)((long)(x + 1) * pw / cw);
      if (x1 <= x0) x1 = x0 + 1;
      int sum = 0;
      for (int yy = y0; yy < y1; yy++)
        for (int xx = x0; xx < x1; xx++) sum += s[(size_t)yy * pw + xx];
      int n = (y1 - y0) * (x1 - x0);
      d[(size_t)y * ds + x] = (uint8_t)((sum + n / 2) / n);
    }
  }
}

// Full range to VP8's limited range, rounded half away from the middle: luma 16 + 219 y / 255, chroma
// 128 + 224 (c - 128) / 255. x / 255 is (x + 1 + (x >> 8)) >> 8, exact for every value here (0..56191),
// so the 16 lanes of wasm SIMD compute what a lookup table would, without its per-byte gathers.
static inline int div255(int x) { return (x + 1 + (x >> 8)) >> 8; }
static inline uint8_t map1(int i, int chroma) {
  if (!chroma) return (uint8_t)(16 + div255(i * 219 + 127));
  int n = (i - 128) * 224 + (i >= 128 ? 127 : -127);
  return (uint8_t)(128 + (n < 0 ? -div255(-n) : div255(n)));
}

static inline v128_t map8(v128_t v, int chroma) { // 8 values as u16 lanes
  if (!chroma) {
    v128_t t = wasm_i16x8_add(wasm_i16x8_mul(v, wasm_i16x8_splat(219)), wasm_i16x8_splat(127));
    v128_t q = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(t, wasm_i16x8_splat(1)), wasm_u16x8_shr(t, 8)), 8);
    return wasm_i16x8_add(q, wasm_i16x8_splat(16));
  }
  v128_t d = wasm_i16x8_sub(v, wasm_i16x8_splat(128)), m = wasm_i16x8_shr(d, 15); // m: -1 below the middle
  v128_t n = wasm_i16x8_add(wasm_i16x8_mul(d, wasm_i16x8_splat(224)), wasm_i16x8_sub(wasm_v128_xor(wasm_i16x8_splat(127), m), m));
  v128_t a = wasm_i16x8_abs(n);
  v128_t f = wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_add(a, wasm_i16x8_splat(1)), wasm_u16x8_shr(a, 8)), 8);
  return wasm_i16x8_add(wasm_i16x8_sub(wasm_v128_xor(f, m), m), wasm_i16x8_splat(128));
}

static void range_map(uint8_t* r, int n, int chroma) {
  int x = 0;
  for (; x + 16 <= n; x += 16) {
    v128_t v = wasm_v128_load(r + x);
    v128_t lo = map8(wasm_u16x8_extend_low_u8x16(v), chroma), hi = map8(wasm_u16x8_extend_high_u8x16(v), chroma);
    wasm_v128_store(r + x, wasm_u8x16_narrow_i16x8(lo, hi));
  }
  for (; x < n; x++) r[x] = map1(r[x], chroma);
}

/** YCbCr (any subsampling) or grey, decoded at sw x sh straight into `p`'s 4:2:0 planes in VP8's range. */
static int decode_planes(tjhandle h, const uint8_t* d, size_t len, int sw, int sh, int sub, int gray, WebPPicture* p) {
  // Warnings (premature end, corrupt data) are failures, as with sharp; LIMITSCANS stops scan bombs.
  int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
  // TurboJPEG writes luma in whole MCUs: an even number of columns and rows for 4:2:0 (an odd-sized image
  // would have its padding row written over the top of the U plane). Room for them; the picture keeps its
  // own size, the planes their padded stride.
  WebPPictureInit(p);
  p->use_argb = 0, p->colorspace = WEBP_YUV420, p->width = (sw + 1) & ~1, p->height = (sh + 1) & ~1;
  if (!WebPPictureAlloc(p)) return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", sw, sh);
  p->width = sw, p->height = sh;
  unsigned char* planes[3] = {p->y, p->u, p->v};
  int strides[3] = {p->y_stride, p->uv_stride, p->uv_stride};
  int pw = 0, ph = 0, sub420 = gray || sub == TJSAMP_420;
  if (!sub420) { // chroma at the file's own subsampling, into temporary planes
    pw = tjPlaneWidth(1, sw, sub), ph = tjPlaneHeight(1, sh, sub);
    planes[1] = malloc((size_t)pw * ph), planes[2] = malloc((size_t)pw * ph);
    strides[1] = strides[2] = pw;
    if (!planes[1] || !planes[2]) {
      free(planes[1]), free(planes[2]), WebPPictureFree(p);
      return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", sw, sh);
    }
  }
  if (tjDecompressToYUVPlanes(h, d, (unsigned long)len, planes, sw, strides, sh, flags)) {
    int rc = jpeg_error(h);
    if (!sub420) free(planes[1]), free(planes[2]);
    WebPPictureFree(p);
    return rc;
  }
  if (!sub420) {
    to420(planes[1], pw, ph, p->u, p->uv_stride, (sw + 1) / 2, (sh + 1) / 2);
    to420(planes[2], pw, ph, p->v, p->uv_stride, (sw + 1) / 2, (sh + 1) / 2);
    free(planes[1]), free(planes[2]);
  }
  // JFIF is full-range BT.601; VP8 wants the same matrix in limited range: one pass over the planes.
  for (int y = 0; y < sh; y++) range_map(p->y + (size_t)y * p->y_stride, sw, 0);
  int cw = (sw + 1) / 2, ch = (sh + 1) / 2;
  for (int y = 0; y < ch; y++) {
    uint8_t *u = p->u + (size_t)y * p->uv_stride, *v = p->v + (size_t)y * p->uv_stride;
    if (gray) {
      memset(u, 128, cw), memset(v, 128, cw);
    } else {
      range_map(u, cw, 1), range_map(v, cw, 1);
    }
  }
  return CX_OK;
}

int cx_decode_jpeg(const uint8_t* d, size_t len, int box_long, int box_short) {
  Markers m;
  scan(d, len, &m);
  tjhandle h = tjInitDecompress();
  if (!h) return cx_fail(CX_NO_MEMORY, "out of memory starting the JPEG decoder");
  int w, hh, sub, cs, rc;
  if (tjDecompressHeader3(h, d, (unsigned long)len, &w, &hh, &sub, &cs)) {
    rc = jpeg_error(h);
    tjDestroy(h);
    return rc;
  }
  cx.src_w = w, cx.src_h = hh;
  if ((rc = cx_check_size(w, hh)) != CX_OK) { tjDestroy(h); return rc; }
  int cmyk = cs == TJCS_CMYK || cs == TJCS_YCCK, gray = cs == TJCS_GRAY;
  // YCbCr at any subsampling (and grey) decodes to planes; 4:4:4/4:2:2/... chroma is then averaged to 4:2:0.
  int direct = gray || cs == TJCS_YCbCr;
  double samples = cmyk ? 4 : sub == TJSAMP_444 ? 3 : sub == TJSAMP_GRAY ? 1 : sub == TJSAMP_420 || sub == TJSAMP_411 ? 1.5 : 2;
  if (!cmyk && !gray) keep_icc(&m);

  int tw, th, s = 1;
  cx_fit(w, hh, box_long, box_short, &tw, &th);
  while (s < 8 && (((size_t)w * s + 7) / 8 < (size_t)tw || ((size_t)hh * s + 7) / 8 < (size_t)th)) s++;
  while (s > 1 && estimate(len, w, hh, s, m.progressive, samples, !direct, gray || sub == TJSAMP_420, tw, th) > cx.budget) s--, cx.reduced = 1;
  size_t need = estimate(len, w, hh, s, m.progressive, samples, !direct, gray || sub == TJSAMP_420, tw, th);
  if (need > cx.budget) {
    tjDestroy(h);
    return cx_fail(CX_OVER_BUDGET, "decoding this %dx%d %sJPEG needs ~%zu MB, over the %zu MB budget", w, hh,
                   m.progressive ? "progressive " : "", need / MB, cx.budget / MB);
  }
  cx.scale_num = s;
  int sw = (int)(((size_t)w * s + 7) / 8), sh = (int)(((size_t)hh * s + 7) / 8);
  int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS; // see decode_planes

  if (direct) {
    rc = decode_planes(h, d, len, sw, sh, sub, gray, &cx.cur);
    tjDestroy(h);
    return rc;
  }

  size_t stride = (size_t)sw * 4;
  uint8_t* buf = malloc(stride * sh);
  if (!buf) { tjDestroy(h); return cx_fail(CX_NO_MEMORY, "out of memory for %dx%d pixels", sw, sh); }
  if (tjDecompress2(h, d, (unsigned long)len, buf, sw, (int)stride, sh, cmyk ? TJPF_CMYK : TJPF_RGBA, flags)) {
    rc = jpeg_error(h);
    tjDestroy(h);
    free(buf);
    return rc;
  }
  tjDestroy(h);
  if (cmyk) {
    // Photoshop (Adobe APP14) stores CMYK inverted: the stored value is 255 - ink. Naive ink model.
    for (size_t i = 0, n = (size_t)sw * sh * 4; i < n; i += 4) {
      unsigned c = buf[i], mm = buf[i + 1], y = buf[i + 2], k = buf[i + 3];
      if (!m.adobe) c = 255 - c, mm = 255 - mm, y = 255 - y, k = 255 - k;
      buf[i] = (uint8_t)((c * k + 127) / 255), buf[i + 1] = (uint8_t)((mm * k + 127) / 255);
      buf[i + 2] = (uint8_t)((y * k + 127) / 255), buf[i + 3] = 255;
    }
  }
  rc = cx_import_rgba(buf, sw, sh, (int)stride);
  free(buf);
  return rc;
}
