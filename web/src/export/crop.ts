// Face crop geometry: a face box (0–1 of the image) grown by a margin, made square or kept at the box's
// shape, then moved (not squashed) to lie inside the image; shrunk only when larger than the image.

export type Box = [x: number, y: number, w: number, h: number];

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function faceRect(box: Box, width: number, height: number, padding: number, aspect: 'square' | 'original'): Rect {
  const [bx, by, bw, bh] = [box[0] * width, box[1] * height, box[2] * width, box[3] * height];
  const cx = bx + bw / 2, cy = by + bh / 2;
  let w = bw * (1 + 2 * padding), h = bh * (1 + 2 * padding);
  if (aspect === 'square') w = h = Math.max(w, h);
  // Too big for the image: shrink, keeping the shape (a square stays square).
  const fit = Math.min(1, width / w, height / h);
  w = Math.max(1, Math.round(w * fit));
  h = Math.max(1, Math.round(h * fit));
  const x = Math.round(Math.min(Math.max(0, cx - w / 2), width - w));
  const y = Math.round(Math.min(Math.max(0, cy - h / 2), height - h));
  return { x, y, w, h };
}

/** Output size for a rect whose longest side becomes `side`. */
export function scaledTo(w: number, h: number, side: number): { width: number; height: number } {
  const s = side / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) };
}

/** Output size for a whole photo: longest side at most `max`, never enlarged. */
export function fitWithin(w: number, h: number, max: number): { width: number; height: number } {
  return Math.max(w, h) <= max ? { width: w, height: h } : scaledTo(w, h, max);
}
