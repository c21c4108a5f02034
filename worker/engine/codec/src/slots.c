// Outputs kept as pixels and encoded later, in any order: the cascade must resize largest first, but the
// pipeline wants the cheap thumbnails encoded and stored before the display variants. cx_keep makes an
// output and keeps it in a slot; cx_encode encodes a slot. A 12 MP photo's slots hold ~12 MB (the 2160
// variant is 9 MB of YUV).
//
// Each output is resized from the smallest picture at hand (the current pixels or a kept output) that
// is at least cx_source_gap10/10 times its size — not always from the previous output: four Lanczos
// steps of ~2x (2160 -> 1080 -> 600 -> 300 -> 150) soften and ring more than one step of 4-5x does.
#include "codec.h"

int cx_source_gap10 = 30;

void cx_set_gap(int gap10) { cx_source_gap10 = gap10 < 0 ? 0 : gap10; }

/** The picture to make a tw x th output from: see above; the current pixels when none is big enough. */
static const WebPPicture* source_for(int tw, int th) {
  const WebPPicture* best = &cx.cur;
  if (cx_source_gap10 <= 0) return best;
  long need_w = ((long)tw * cx_source_gap10 + 9) / 10, need_h = ((long)th * cx_source_gap10 + 9) / 10;
  const WebPPicture* found = NULL;
  for (int i = -1; i < CX_SLOTS; i++) {
    const WebPPicture* p = i < 0 ? &cx.cur : &cx.slots[i];
    if (!p->y || p->width < need_w || p->height < need_h) continue;
    if (!found || (long)p->width * p->height < (long)found->width * found->height) found = p;
  }
  return found ? found : best;
}

/** Shrink to fit (long, short) — from the best source at hand — and keep a copy in `slot`. */
int cx_keep(int slot, int box_long, int box_short) {
  if (slot < 0 || slot >= CX_SLOTS) return cx_fail(CX_USAGE, "slot %d out of range", slot);
  if (!cx.cur.y) return cx_fail(CX_USAGE, "no decoded image");
  int tw, th;
  cx_fit(cx.src_w, cx.src_h, box_long, box_short, &tw, &th);
  if (tw > cx.cur.width || th > cx.cur.height) cx_fit(cx.cur.width, cx.cur.height, box_long, box_short, &tw, &th);
  const WebPPicture* src = source_for(tw, th);
  WebPPictureFree(&cx.slots[slot]);
  if (src == &cx.cur || (src->width == tw && src->height == th)) {
    int rc = cx_shrink_to(box_long, box_short);
    if (rc != CX_OK) return rc;
  } else {
    WebPPicture out;
    if (!cx_resample_into(src, &out, tw, th)) return cx_fail(CX_NO_MEMORY, "out of memory resizing to %dx%d", tw, th);
    WebPPictureFree(&cx.cur);
    cx.cur = out;
  }
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
