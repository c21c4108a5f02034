// darkroom codec: decode once (scaled), cascade WebP outputs from pixels, orientation, ICC passthrough.
// One image at a time per instance (the state below is global): the TypeScript wrapper serialises calls.
#ifndef DARKROOM_CODEC_H
#define DARKROOM_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "src/webp/encode.h"

// Bump when the C API or its behaviour changes; the manifest and a test check it.
#define CX_VERSION 5

// Result codes (negative = failure). The wrapper maps them to error kinds.
enum {
  CX_OK = 0,
  CX_BAD_INPUT = -1,   // truncated / corrupt / not what it claims: permanent
  CX_UNSUPPORTED = -2, // a format or variant this module does not decode (another engine may)
  CX_OVER_BUDGET = -3, // decoding would exceed the memory budget even at the smallest scale
  CX_NO_MEMORY = -4,   // an allocation failed: not about the input, retry on a fresh instance
  CX_USAGE = -5,       // called out of order (a bug in the caller)
};

#define CX_SLOTS 8

enum { FMT_JPEG = 1, FMT_PNG = 2, FMT_WEBP = 3, FMT_TIFF = 4, FMT_AVIF = 5 };

typedef struct {
  WebPPicture cur;           // current pixels, sensor frame, YUV420(A) in VP8's limited range
  int format, src_w, src_h;  // the file as stored (before orientation)
  int orientation;           // EXIF 1..8 read from the file (1 when absent)
  int scale_num;             // JPEG DCT scale M/8 used (8 = full), 0 for other formats
  int reduced;               // 1 when decoded smaller than asked, to stay inside the budget
  uint8_t* icc;              // embedded ICC profile (NULL if none, sRGB, or not RGB)
  size_t icc_len;
  uint8_t* out;              // last output (WebP bytes or RGBA)
  size_t out_len;
  int out_w, out_h;
  int out_webp, out_quality, out_method; // what cx.out holds, to reuse it for an identical output
  size_t budget;
  uint8_t* reload;           // a small WebP's bytes, kept for shrink-on-load per output (cx_webp_reload)
  size_t reload_len;
  char message[256];
  WebPPicture slots[CX_SLOTS]; // outputs kept as pixels (cx_keep), encoded later in any order (cx_encode)
} Codec;

extern Codec cx;

int cx_fail(int code, const char* fmt, ...);
void cx_set_icc(const uint8_t* data, size_t len);
int cx_exif_orientation(const uint8_t* tiff, size_t len);
void cx_fit(int w, int h, int box_long, int box_short, int* tw, int* th);
int cx_check_size(int w, int h);
int cx_import_rgba(const uint8_t* rgba, int w, int h, int stride);
int cx_shrink_to(int box_long, int box_short);
int cx_encode_upright(const WebPPicture* pic, int quality, int method);
void cx_free_out(void);

// Decoders fill cx.cur (and cx.src_w/h, orientation, icc) at a size covering need_w x need_h.
int cx_decode_jpeg(const uint8_t* data, size_t len, int box_long, int box_short);
// Shrink-on-load per output, as sharp does it, for small WebPs (RELOAD_MAX_PIXELS; a second decode costs
// a few ms there): replaces cx.cur with a decode of the kept bytes scaled to the output's size.
#define RELOAD_MAX_PIXELS (4 * 1000 * 1000)
void cx_keep_for_reload(const uint8_t* data, size_t len);
int cx_webp_reload(int tw, int th);
int cx_decode_png(const uint8_t* data, size_t len, int box_long, int box_short);
int cx_decode_webp(const uint8_t* data, size_t len, int box_long, int box_short);
int cx_decode_tiff(const uint8_t* data, size_t len, int box_long, int box_short);
int cx_decode_av1(const uint8_t* colour, size_t len, const uint8_t* alpha, size_t alpha_len, int w, int h, int box_long,
                  int box_short);

// Lanczos-3 resize of a YUV420 picture, in place or into `out` (alpha pictures: libwebp's area average).
int cx_resample(WebPPicture* pic, int tw, int th);
int cx_resample_into(const WebPPicture* src, WebPPicture* out, int tw, int th);

// Orientation: copy `src` into a new picture turned upright (dst is initialised here).
int cx_orient_yuv(const WebPPicture* src, WebPPicture* dst, int orientation);
void cx_orient_rgba(const uint32_t* src, int w, int h, uint32_t* dst, int orientation);

#endif
