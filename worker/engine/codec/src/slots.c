// Outputs kept as pixels and encoded later, in any order: the cascade must resize largest first, but the
// pipeline wants the cheap thumbnails encoded and stored before the display variants. cx_keep makes an
// output and keeps it in a slot; cx_encode encodes a slot. A 12 MP photo's slots hold ~12 MB (the 2160
// variant is 9 MB of YUV). Each output is resized from the previous one (the cascade), except where a
// small WebP is decoded again at the output's own size, as sharp does (cx_shrink_to).
#include "codec.h"

/** Shrink to fit (long, short) and keep a copy in `slot`. */
int cx_keep(int slot, int box_long, int box_short) {
  if (slot < 0 || slot >= CX_SLOTS) return cx_fail(CX_USAGE, "slot %d out of range", slot);
  if (!cx.cur.y) return cx_fail(CX_USAGE, "no decoded image");
  WebPPictureFree(&cx.slots[slot]);
  int rc = cx_shrink_to(box_long, box_short);
  if (rc != CX_OK) return rc;
  if (!WebPPictureCopy(&cx.cur, &cx.slots[slot])) return cx_fail(CX_NO_MEMORY, "out of memory keeping output %d", slot);
  return CX_OK;
}

/** Encode a kept slot, upright, as WebP into cx.out; the slot's pixels are released afterwards. */
int cx_encode(int slot, int quality, int method) {
  if (slot < 0 || slot >= CX_SLOTS || !cx.slots[slot].y) return cx_fail(CX_USAGE, "slot %d holds nothing", slot);
  cx.out_webp = 0; // cx.out is about to hold this slot's output, not cx_output's
  int rc = cx_encode_upright(&cx.slots[slot], quality, method);
  WebPPictureFree(&cx.slots[slot]);
  return rc;
}
