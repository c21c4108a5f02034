// TIFF via libtiff's RGBA interface (8/16-bit, RGB, grey, palette, CMYK, YCbCr, CIELab; LZW, Deflate,
// PackBits, JPEG, CCITT): read a strip or tile row at a time, streamed into the Lanczos row scaler. Cloudflare
// Images does not take TIFF, so this is the only engine that will develop one in production.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "rescale.h"
#include "tiffio.h"

#define MB (1024 * 1024)

typedef struct {
  const uint8_t* d;
  size_t len, pos;
} Mem;

static tmsize_t mem_read(thandle_t h, void* buf, tmsize_t n) {
  Mem* m = (Mem*)h;
  size_t left = m->pos < m->len ? m->len - m->pos : 0, k = (size_t)n < left ? (size_t)n : left;
  memcpy(buf, m->d + m->pos, k);
  m->pos += k;
  return (tmsize_t)k;
}
static tmsize_t mem_write(thandle_t h, void* buf, tmsize_t n) { return 0; }
static toff_t mem_seek(thandle_t h, toff_t off, int whence) {
  Mem* m = (Mem*)h;
  uint64_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;
  m->pos = (size_t)(base + off);
  return m->pos;
}
static int mem_close(thandle_t h) { return 0; }
static toff_t mem_size(thandle_t h) { return ((Mem*)h)->len; }
static int mem_map(thandle_t h, void** base, toff_t* size) { return 0; }
static void mem_unmap(thandle_t h, void* base, toff_t size) {}

// libtiff reports through handlers: keep the first error's words for the caller.
static char tiff_message[200];
static void on_error(const char* module, const char* fmt, va_list ap) {
  if (!tiff_message[0]) vsnprintf(tiff_message, sizeof tiff_message, fmt, ap);
}
static void on_warning(const char* module, const char* fmt, va_list ap) {}

static int fail_tiff(int code, const char* what) {
  return cx_fail(code, "%s", tiff_message[0] ? tiff_message : what);
}

// CIELab: libtiff's own conversion (display_sRGB) uses a plain 2.4 gamma, treats luminance below 1% as
// black and quantises luminance to 1500 steps, which crushes shadows. We convert as libvips does (and
// sharp with it): L*a*b* (D65 white) -> XYZ -> linear sRGB -> the sRGB transfer curve.
static uint8_t srgb_lut[4097];

static void srgb_init(void) {
  if (srgb_lut[4096]) return;
  for (int i = 0; i <= 4096; i++) {
    double v = i / 4096.0;
    v = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
    srgb_lut[i] = (uint8_t)lrint(v * 255);
  }
}

static double lab_finv(double t) { return t > 6.0 / 29 ? t * t * t : 3 * (6.0 / 29) * (6.0 / 29) * (t - 4.0 / 29); }

/** Linear value 0..1 to sRGB 8-bit: the curve between 4096 table points (exact enough at 8 bits). */
static uint32_t srgb8(double v) {
  if (v <= 0) return 0;
  if (v >= 1) return 255;
  double f = v * 4096;
  int i = (int)f;
  return (uint32_t)(srgb_lut[i] + (srgb_lut[i + 1] - srgb_lut[i]) * (f - i) + 0.5);
}

static uint32_t lab_pixel(double L, double a, double b) {
  double fy = (L + 16) / 116, X = 0.95047 * lab_finv(fy + a / 500), Y = lab_finv(fy), Z = 1.08883 * lab_finv(fy - b / 200);
  uint32_t r = srgb8(3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z);
  uint32_t g = srgb8(-0.9692660 * X + 1.8760108 * Y + 0.0415560 * Z);
  uint32_t bl = srgb8(0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z);
  return r | g << 8 | bl << 16 | 0xFFu << 24;
}

static void put_lab8(TIFFRGBAImage* img, uint32_t* cp, uint32_t x, uint32_t y, uint32_t w, uint32_t h, int32_t fromskew,
                     int32_t toskew, unsigned char* pp) {
  for (; h > 0; --h, cp += toskew, pp += fromskew * 3)
    for (x = w; x > 0; --x, pp += 3) *cp++ = lab_pixel(pp[0] * (100.0 / 255), (signed char)pp[1], (signed char)pp[2]);
}

static void put_lab16(TIFFRGBAImage* img, uint32_t* cp, uint32_t x, uint32_t y, uint32_t w, uint32_t h, int32_t fromskew,
                      int32_t toskew, unsigned char* pp) {
  const uint16_t* wp = (const uint16_t*)pp;
  for (; h > 0; --h, cp += toskew, wp += fromskew * 3)
    for (x = w; x > 0; --x, wp += 3) *cp++ = lab_pixel(wp[0] * (100.0 / 65535), (int16_t)wp[1] / 256.0, (int16_t)wp[2] / 256.0);
}

int cx_decode_tiff(const uint8_t* d, size_t len, int box_long, int box_short) {
  Mem mem = {d, len, 0};
  tiff_message[0] = 0;
  TIFFSetErrorHandler(on_error);
  TIFFSetWarningHandler(on_warning);
  TIFF* tif = TIFFClientOpen("image", "rm", (thandle_t)&mem, mem_read, mem_write, mem_seek, mem_close, mem_size, mem_map, mem_unmap);
  if (!tif) return fail_tiff(CX_BAD_INPUT, "not a readable TIFF");
  uint32_t w = 0, h = 0, rows = 0;
  uint16_t orientation = 1, photometric = 0;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
  cx.src_w = (int)w, cx.src_h = (int)h;
  int rc = cx_check_size((int)w, (int)h);
  if (rc != CX_OK) { TIFFClose(tif); return rc; }
  if (TIFFGetField(tif, TIFFTAG_ORIENTATION, &orientation) && orientation >= 1 && orientation <= 8) cx.orientation = orientation;
  TIFFGetFieldDefaulted(tif, TIFFTAG_PHOTOMETRIC, &photometric);
  uint32_t icc_len = 0;
  void* icc = NULL;
  if (photometric == PHOTOMETRIC_RGB && TIFFGetField(tif, TIFFTAG_ICCPROFILE, &icc_len, &icc)) cx_set_icc(icc, icc_len);

  char emsg[1024] = "";
  TIFFRGBAImage img;
  if (!TIFFRGBAImageOK(tif, emsg) || !TIFFRGBAImageBegin(&img, tif, 0, emsg)) {
    TIFFClose(tif);
    return cx_fail(CX_UNSUPPORTED, "TIFF variant not supported: %s", emsg);
  }
  img.req_orientation = img.orientation; // no flips here: the orientation is applied with the others
  if (photometric == PHOTOMETRIC_CIELAB && img.isContig && img.samplesperpixel == 3 && img.put.contig &&
      (img.bitspersample == 8 || img.bitspersample == 16)) {
    srgb_init();
    img.put.contig = img.bitspersample == 8 ? put_lab8 : put_lab16;
  }
  if (TIFFIsTiled(tif)) TIFFGetField(tif, TIFFTAG_TILELENGTH, &rows);
  else TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rows);
  if (rows == 0 || rows > h) rows = h;
  int tw, th;
  cx_fit((int)w, (int)h, box_long, box_short, &tw, &th);
  // A strip (raw + RGBA) at a time, plus the output and its YUV copy.
  size_t band = (size_t)w * rows * 4;
  size_t need = len + 2 * band + rs_bytes((int)w, (int)h, tw, th) + (size_t)tw * th * 3 / 2 + 4 * MB;
  if (need > cx.budget) {
    TIFFRGBAImageEnd(&img), TIFFClose(tif);
    return cx_fail(CX_OVER_BUDGET, "decoding this %ux%u TIFF needs ~%zu MB, over the %zu MB budget", w, h, need / MB, cx.budget / MB);
  }
  RowScaler rs;
  uint32_t* raster = malloc(band);
  if (!raster || !rs_init(&rs, (int)w, (int)h, tw, th, img.alpha != 0)) {
    free(raster), TIFFRGBAImageEnd(&img), TIFFClose(tif);
    return cx_fail(CX_NO_MEMORY, "out of memory for a %ux%u TIFF", w, h);
  }
  rs.premultiplied = 1; // libtiff hands out associated (premultiplied) alpha
  rc = CX_OK;
  for (uint32_t y = 0; y < h && rc == CX_OK; y += rows) {
    uint32_t n = h - y < rows ? h - y : rows;
    img.row_offset = (int)y;
    if (!TIFFRGBAImageGet(&img, raster, w, n)) {
      rc = fail_tiff(CX_BAD_INPUT, "corrupt TIFF data");
      break;
    }
    for (uint32_t r = 0; r < n; r++) rs_row(&rs, (uint8_t*)(raster + (size_t)r * w)); // RGBA bytes, top-down
  }
  free(raster);
  TIFFRGBAImageEnd(&img);
  TIFFClose(tif);
  if (rc != CX_OK) { rs_free(&rs); return rc; }
  return rs_finish(&rs);
}
