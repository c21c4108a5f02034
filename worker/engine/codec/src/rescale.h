#ifndef DARKROOM_RESCALE_H
#define DARKROOM_RESCALE_H
#include <stddef.h>
#include <stdint.h>

#include "lanczos.h"

typedef struct {
  int sw, sh, tw, th, alpha;
  int premultiplied; // rows arrive with alpha already associated (libtiff)
  Coeffs ch, cv;     // horizontal sw -> tw, vertical sh -> th
  uint8_t* chan;     // one source row split into its 4 channels (sw bytes each)
  uint8_t* ring;     // the last cv.taps source rows, each already resized to tw (RGBA)
  int32_t* acc;      // scratch for one channel's horizontal pass
  uint8_t* dst;      // tw x th RGBA
  int rows_in, rows_out;
} RowScaler;

size_t rs_bytes(int sw, int sh, int tw, int th); // what rs_init allocates (for the decoders' budgets)
int rs_init(RowScaler* r, int sw, int sh, int tw, int th, int alpha);
void rs_row(RowScaler* r, uint8_t* row); // one source row of RGBA (premultiplied in place when alpha)
int rs_finish(RowScaler* r);             // unpremultiply, import into cx.cur, free
void rs_free(RowScaler* r);

// The same streaming Lanczos-3 for one 8-bit plane, into a plane the caller owns (AVIF: dav1d's planes
// are converted row by row and shrunk on the fly, so no full-size copy of the picture is ever made).
typedef struct {
  int sw, sh, tw, th;
  Coeffs ch, cv;
  uint8_t* ring; // the last cv.taps source rows, each already resized to tw
  uint8_t* dst;
  int ds, rows_in, rows_out;
} PlaneScaler;

size_t ps_bytes(int sw, int sh, int tw, int th);
int ps_init(PlaneScaler* p, int sw, int sh, int tw, int th, uint8_t* dst, int ds);
void ps_row(PlaneScaler* p, const uint8_t* row); // one source row of sw bytes
void ps_free(PlaneScaler* p);
#endif
