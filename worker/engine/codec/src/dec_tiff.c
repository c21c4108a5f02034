// TIFF via libtiff's RGBA interface (8/16-bit, RGB, grey, palette, CMYK, YCbCr, CIELab; LZW, Deflate,
// PackBits, JPEG, CCITT): read a strip or tile row at a time, streamed into the Lanczos row scaler. Cloudflare
// Images does not take TIFF, so this is the only engine that will develop one in production.
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
