// EXIF orientation 1..8 applied by copying planes with per-orientation source steps.
#include <stddef.h>

#include "codec.h"

// Offset of destination (0,0) in the source, and the source step for +1 destination column / row.
static void steps(int o, int w, int h, ptrdiff_t ss, ptrdiff_t* start, ptrdiff_t* sx, ptrdiff_t* sy) {
  switch (o) {
    case 2: *start = w - 1, *sx = -1, *sy = ss; break;                          // mirror horizontal
    case 3: *start = (h - 1) * ss + w - 1, *sx = -1, *sy = -ss; break;           // rotate 180
    case 4: *start = (h - 1) * ss, *sx = 1, *sy = -ss; break;                    // mirror vertical
    case 5: *start = 0, *sx = ss, *sy = 1; break;                                // transpose
    case 6: *start = (h - 1) * ss, *sx = -ss, *sy = 1; break;                    // rotate 90 CW
    case 7: *start = (h - 1) * ss + w - 1, *sx = -ss, *sy = -1; break;           // transverse
    case 8: *start = w - 1, *sx = ss, *sy = -1; break;                           // rotate 90 CCW
    default: *start = 0, *sx = 1, *sy = ss;
  }
}

#define ORIENT(T, s, ss, w, h, d, ds, o)                         \
  do {                                                           \
    ptrdiff_t start, sx, sy;                                     \
    steps(o, w, h, ss, &start, &sx, &sy);                        \
    int dw = (o) >= 5 ? (h) : (w), dh = (o) >= 5 ? (w) : (h);    \
    for (int y = 0; y < dh; y++) {                               \
      const T* p = (s) + start + y * sy;                         \
      T* q = (d) + (ptrdiff_t)y * (ds);                          \
      for (int x = 0; x < dw; x++, p += sx) q[x] = *p;           \
    }                                                            \
  } while (0)

static void plane(const uint8_t* s, int ss, int w, int h, uint8_t* d, int ds, int o) { ORIENT(uint8_t, s, ss, w, h, d, ds, o); }

int cx_orient_yuv(const WebPPicture* src, WebPPicture* dst, int o) {
  WebPPictureInit(dst);
  dst->use_argb = 0;
  dst->colorspace = src->colorspace;
  dst->width = o >= 5 ? src->height : src->width;
  dst->height = o >= 5 ? src->width : src->height;
  if (!WebPPictureAlloc(dst)) return 0;
  int w = src->width, h = src->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
  plane(src->y, src->y_stride, w, h, dst->y, dst->y_stride, o);
  plane(src->u, src->uv_stride, cw, ch, dst->u, dst->uv_stride, o);
  plane(src->v, src->uv_stride, cw, ch, dst->v, dst->uv_stride, o);
  if (src->a && dst->a) plane(src->a, src->a_stride, w, h, dst->a, dst->a_stride, o);
  return 1;
}

void cx_orient_rgba(const uint32_t* src, int w, int h, uint32_t* dst, int o) {
  ORIENT(uint32_t, src, w, w, h, dst, (o >= 5 ? h : w), o);
}
