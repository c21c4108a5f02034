// Outputs kept as pixels and encoded later, in any order: the cascade must resize largest first (each
// size from the previous pixels), but the pipeline wants the cheap thumbnails encoded and stored before
// the expensive display variants. cx_keep shrinks the current pixels and keeps a copy in a slot;
// cx_encode encodes a slot. A 12 MP photo's slots hold ~12 MB (the 2160 variant is 9 MB of YUV).
#include "codec.h"

/** Shrink the current pixels to fit (long, short) and keep a copy in `slot` (replacing what it held). */
int cx_keep(int slot, int box_long, int box_short) {
  if (slot < 0 || slot >= CX_SLOTS) return cx_fail(CX_USAGE, "slot %d out of range", slot);
  if (!cx.cur.y) return cx_fail(CX_USAGE, "no decoded image");
  int rc = cx_shrink_to(box_long, box_short);
  if (rc != CX_OK) return rc;
  WebPPictureFree(&cx.slots[slot]);
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
