// The colour "brain" shared by every stand-in: the mean colour of an image becomes soft weights over a
// small palette (softmax of negative squared distance to each prototype), so captions, embeddings and
// masks depend on what the pixels are, after the app's own resize, normalisation and channel order.
import { A } from './onnx-writer.mjs';

export const COLOURS = [
  ['red', [0.85, 0.1, 0.1]], ['green', [0.1, 0.7, 0.2]], ['blue', [0.1, 0.2, 0.85]], ['yellow', [0.9, 0.85, 0.1]],
  ['orange', [0.95, 0.55, 0.1]], ['purple', [0.5, 0.15, 0.6]], ['white', [0.95, 0.95, 0.95]], ['black', [0.05, 0.05, 0.05]],
];
export const K = COLOURS.length;
const SHARPNESS = 60;

/** Adds nodes mapping `rgb` ([b,3], 0..1) to palette weights [b,K]; returns the output name. */
export function paletteWeights(g, rgb, prefix = 'palette') {
  g.f32(`${prefix}.prototypes`, [K, 3], COLOURS.flatMap(([, p]) => p));
  g.i64(`${prefix}.axis1`, [1], [1]);
  g.i64(`${prefix}.axism1`, [1], [-1]);
  g.f32(`${prefix}.sharpness`, [], [-SHARPNESS]);
  const diff = g.node('Sub', [g.node('Unsqueeze', [rgb, `${prefix}.axis1`]), `${prefix}.prototypes`]); // [b,K,3]
  const d2 = g.node('ReduceSum', [g.node('Mul', [diff, diff]), `${prefix}.axism1`], 1, { keepdims: A.i(0) }); // [b,K]
  return g.node('Softmax', [g.node('Mul', [d2, `${prefix}.sharpness`])], 1, { axis: A.i(-1) });
}

/** Mean colour (0..1) of normalised NCHW pixels: undoes (x/255 − mean)/std per channel. */
//  `bgr`: the input's channels are B,G,R (OpenCV models), so a red patch only reads as red when the app
//  feeds BGR, as the real model needs.
export function meanRgb(g, px, { mean = [0, 0, 0], std = [1, 1, 1], bgr = false, prefix = 'rgb' }) {
  g.f32(`${prefix}.std`, [3], std);
  g.f32(`${prefix}.mean`, [3], mean);
  let m = g.node('ReduceMean', [px], 1, { axes: A.ints([2, 3]), keepdims: A.i(0) }); // [b,3]
  m = g.node('Add', [g.node('Mul', [m, `${prefix}.std`]), `${prefix}.mean`]);
  if (!bgr) return m;
  g.i64(`${prefix}.bgr`, [3], [2, 1, 0]);
  return g.node('Gather', [m, `${prefix}.bgr`], 1, { axis: A.i(1) });
}
