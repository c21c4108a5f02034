// Where to put a photo inside a square avatar so that it shows one face: a square around the face box
// with a margin, kept inside the image, expressed as CSS percentages of the avatar. Pure.

export type Box = readonly [x: number, y: number, w: number, h: number];

export interface Crop {
  /** The image's width, as a percentage of the avatar's side (its height follows from its aspect). */
  width: number;
  left: number;
  top: number;
}

/**
 * `box` is [x, y, w, h] in 0–1 of the image; `aspect` its width / height. `margin` adds that fraction
 * of the face's larger side on each side, so the avatar shows hair and chin, not only the box.
 */
export function faceCrop(box: Box, aspect: number, margin = 0.3): Crop {
  // Work in units where the image is `aspect` wide and 1 high.
  const [x, y, w, h] = box;
  const fw = w * aspect;
  const side = Math.min(Math.max(fw, h) * (1 + 2 * margin), aspect, 1);
  const cx = (x + w / 2) * aspect;
  const cy = y + h / 2;
  const sx = Math.min(Math.max(cx - side / 2, 0), aspect - side);
  const sy = Math.min(Math.max(cy - side / 2, 0), 1 - side);
  return { width: (aspect / side) * 100, left: (-sx / side) * 100, top: (-sy / side) * 100 };
}

/** The crop as an inline style for an absolutely positioned <img> in a square, overflow-hidden box. */
export const cropStyle = (c: Crop) => `width: ${c.width.toFixed(3)}%; left: ${c.left.toFixed(3)}%; top: ${c.top.toFixed(3)}%`;
