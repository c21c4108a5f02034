#ifndef DARKROOM_RESCALE_H
#define DARKROOM_RESCALE_H
#include "src/utils/rescaler_utils.h"

typedef struct {
  WebPRescaler rs;
  uint8_t* dst;
  rescaler_t* work;
  int tw, th, alpha;
  int premultiplied; // rows arrive with alpha already associated (libtiff)
} RowScaler;

int rs_init(RowScaler* r, int sw, int sh, int tw, int th, int alpha);
void rs_row(RowScaler* r, uint8_t* row); // one source row of RGBA (premultiplied in place when alpha)
int rs_finish(RowScaler* r);             // flush, unpremultiply, import into cx.cur, free
void rs_free(RowScaler* r);
#endif
