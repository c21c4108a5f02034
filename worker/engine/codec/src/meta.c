// Metadata the pixels depend on: EXIF orientation and the ICC profile (kept so Display P3 stays P3).
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/** Orientation (tag 0x0112 of IFD0) from a TIFF-structured EXIF block, with or without "Exif\0\0". */
int cx_exif_orientation(const uint8_t* t, size_t len) {
  if (len >= 6 && !memcmp(t, "Exif\0\0", 6)) t += 6, len -= 6;
  if (len < 8) return 1;
  int le = t[0] == 'I' && t[1] == 'I';
  if (!le && !(t[0] == 'M' && t[1] == 'M')) return 1;
#define U16(p) (le ? (p)[0] | (p)[1] << 8 : (p)[0] << 8 | (p)[1])
#define U32(p) (le ? (uint32_t)U16(p) | (uint32_t)U16((p) + 2) << 16 : (uint32_t)U16(p) << 16 | (uint32_t)U16((p) + 2))
  uint32_t ifd = U32(t + 4);
  if (ifd > len - 2) return 1;
  int n = U16(t + ifd);
  for (int i = 0; i < n; i++) {
    size_t e = ifd + 2 + 12 * (size_t)i;
    if (e + 12 > len) break;
    if (U16(t + e) == 0x0112) {
      int v = U16(t + e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
#undef U16
#undef U32
}

/** True when the profile's description names sRGB: untagged WebP already means sRGB, so skip the bytes. */
static int is_srgb(const uint8_t* p, size_t len) {
  if (len < 132) return 0;
  uint32_t n = (uint32_t)p[128] << 24 | p[129] << 16 | p[130] << 8 | p[131];
  for (uint32_t i = 0; i < n && 132 + 12 * (size_t)(i + 1) <= len; i++) {
    const uint8_t* e = p + 132 + 12 * i;
    if (memcmp(e, "desc", 4)) continue;
    uint32_t off = (uint32_t)e[4] << 24 | e[5] << 16 | e[6] << 8 | e[7];
    uint32_t size = (uint32_t)e[8] << 24 | e[9] << 16 | e[10] << 8 | e[11];
    if (off > len || size > len - off) return 0;
    // 'desc' is ASCII (v2 profiles) or UTF-16BE inside 'mluc' (v4): look for both spellings.
    for (uint32_t j = 0; j + 4 <= size; j++)
      if (!memcmp(p + off + j, "sRGB", 4) || (j + 7 <= size && !memcmp(p + off + j, "s\0R\0G\0B", 7))) return 1;
    return 0;
  }
  return 0;
}

void cx_set_icc(const uint8_t* data, size_t len) {
  free(cx.icc);
  cx.icc = NULL;
  cx.icc_len = 0;
  if (len < 132 || is_srgb(data, len)) return;
  if (memcmp(data + 16, "RGB ", 4)) return; // a grey or CMYK profile cannot describe RGB output
  cx.icc = malloc(len);
  if (!cx.icc) return;
  memcpy(cx.icc, data, len);
  cx.icc_len = len;
}
