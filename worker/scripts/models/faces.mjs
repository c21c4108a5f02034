// Face stand-ins with OpenCV Zoo's real file names and I/O, run by onnxruntime-web directly:
//  - face_detection_yunet_2023mar.onnx: input [1,3,640,640] BGR 0..255 → cls_/obj_ [1,N,1], bbox_ [1,N,4],
//    kps_ [1,N,10] for strides 8/16/32 (N = (640/stride)²), decoded as OpenCV's FaceDetectorYN does:
//    cx = (col + bbox0)·s, w = exp(bbox2)·s, landmark = (col + kps)·s, score = sqrt(cls·obj).
//    It fires on red blobs — red in BGR order, so an app feeding RGB finds nothing — and its box is the
//    blob's: centroid and extent come from the first and second moments of the red area in a window
//    around each cell; a cell answers only if the centroid falls inside it and the window holds the whole blob.
//  - face_recognition_sface_2021dec.onnx: input [1,3,112,112] RGB 0..255 → fc1 [1,128]: a random
//    projection of the crop's standardised 4×4 colour layout, so similar crops embed close together.
// Written where the Hugging Face mirror of OpenCV Zoo keeps them (repo opencv/opencv_zoo):
//   models/face_detection_yunet/face_detection_yunet_2023mar.onnx
//   models/face_recognition_sface/face_recognition_sface_2021dec.onnx
// so the same relative paths work on the hub and under /models/<id>/.
import { A, DT, Graph, randn } from './onnx-writer.mjs';

const F = DT.FLOAT;
export const YUNET = 'models/face_detection_yunet/face_detection_yunet_2023mar.onnx';
export const SFACE = 'models/face_recognition_sface/face_recognition_sface_2021dec.onnx';
const SIZE = 640, BASE = 8;
// window (in cells) around each cell's anchor (its top-left corner): a blob is found when it fits inside
// the window's inner part, so stride 32 finds blobs up to 256 px (40% of the input side)
const WINDOW = { 8: 6, 16: 6, 32: 10 };

/** `cost(g)` (bench variant) returns a tensor computed with the real model's work, added in times zero. */
export function makeYunet(files, dir, { cost } = {}) {
  const g = new Graph('yunet_standin');
  g.input('input', F, [1, 3, SIZE, SIZE]);
  const extra = cost ? g.node('Mul', [g.node('ReduceMean', [cost(g)], 1, { keepdims: A.i(0) }), g.scalar(0)]) : null;
  // redness in 0..1 per pixel: R − (G+B)/2 above 60 levels, saturating at 120 (channels are B,G,R)
  g.f32('red_w', [1, 3, 1, 1], [-0.5 / 60, -0.5 / 60, 1 / 60]); g.f32('red_b', [1], [-1]);
  const red = g.node('Clip', [g.node('Conv', ['input', 'red_w', 'red_b']), g.scalar(0), g.scalar(1)]);
  const q = g.node('AveragePool', [red], 1, { kernel_shape: A.ints([BASE, BASE]), strides: A.ints([BASE, BASE]) }); // [1,1,80,80]
  const outs = { cls: [], obj: [], bbox: [], kps: [] };
  for (const s of [8, 16, 32]) {
    const f = s / BASE, k = WINDOW[s] * f, n = (SIZE / s) ** 2;
    // kernels over the 8-px grid: mass, Σx, Σy, Σx², Σy², outer ring (x, y in px from the anchor)
    const W = new Float32Array(6 * k * k);
    for (let v = 0; v < k; v++) for (let u = 0; u < k; u++) {
      const x = BASE * (u + 0.5 - (WINDOW[s] * f) / 2), y = BASE * (v + 0.5 - (WINDOW[s] * f) / 2), i = v * k + u; // px from the anchor
      const ring = u < f || v < f || u >= k - f || v >= k - f ? 1 : 0;
      [1, x, y, x * x, y * y, ring].forEach((val, c) => { W[c * k * k + i] = val; });
    }
    g.f32(`mom_${s}`, [6, 1, k, k], W);
    const a = (WINDOW[s] / 2) * f, b = a - f; // one output per cell
    const mom = g.node('Conv', [q, `mom_${s}`], 1, { strides: A.ints([f, f]), pads: A.ints([a, a, b, b]) }); // [1,6,h,w]
    const [m, sx, sy, sxx, syy, ring] = g.node('Split', [mom], 6, { axis: A.i(1) });
    const mass = g.node('Add', [m, g.scalar(1e-3)]);
    const dx = g.node('Div', [sx, mass]), dy = g.node('Div', [sy, mass]);
    // side of a uniform square = sqrt(12·var); + 64 px² for the 8-px grid's own spread
    const inv = g.scalar(1 / s);
    const side = (sq, d) => g.node('Sqrt', [g.node('Add', [g.node('Mul', [g.node('Relu', [g.node('Sub', [g.node('Div', [sq, mass]), g.node('Mul', [d, d])])]), g.scalar(12)]), g.scalar(BASE * BASE)])]);
    const lw = g.node('Log', [g.node('Mul', [side(sxx, dx), inv])]), lh = g.node('Log', [g.node('Mul', [side(syy, dy), inv])]);
    const bx = g.node('Mul', [dx, inv]), by = g.node('Mul', [dy, inv]);
    // score: centroid inside this cell, blob inside the window (empty ring), at least 2 grid cells of red
    // (−s/2, s/2] shifted by ¼ px, so a centroid on a cell border still belongs to one cell
    const inside = (d) => {
      const x = g.node('Add', [d, g.scalar(-0.25)]);
      const lo = g.node('Sigmoid', [g.node('Mul', [g.node('Add', [x, g.scalar(s / 2)]), g.scalar(8)])]);
      return g.node('Mul', [lo, g.node('Sigmoid', [g.node('Mul', [g.node('Sub', [g.scalar(s / 2), x]), g.scalar(8)])])]);
    };
    const ringFree = g.node('Sigmoid', [g.node('Mul', [g.node('Sub', [ring, g.scalar(0.25)]), g.scalar(-20)])]);
    const enough = g.node('Sigmoid', [g.node('Mul', [g.node('Sub', [m, g.scalar(2)]), g.scalar(6)])]);
    let score = g.node('Mul', [g.node('Mul', [inside(dx), inside(dy)]), g.node('Mul', [ringFree, enough])]);
    if (extra) score = g.node('Add', [score, extra]);
    // landmarks: eyes, nose tip, mouth corners at fixed places in the box (cell units, from the cell corner)
    const sideX = g.node('Mul', [side(sxx, dx), inv]), sideY = g.node('Mul', [side(syy, dy), inv]);
    const kps = [];
    for (const [ox, oy] of [[-0.2, -0.15], [0.2, -0.15], [0, 0.05], [-0.15, 0.25], [0.15, 0.25]]) {
      kps.push(g.node('Add', [bx, g.node('Mul', [sideX, g.scalar(ox)])]), g.node('Add', [by, g.node('Mul', [sideY, g.scalar(oy)])]));
    }
    g.i64(`shape_${s}`, [3], [1, n, -1]);
    const rows = (chans, name) => g.node('Reshape', [g.node('Transpose', [chans.length > 1 ? g.node('Concat', chans, 1, { axis: A.i(1) }) : g.node('Identity', chans)], 1, { perm: A.ints([0, 2, 3, 1]) }), `shape_${s}`], [name]);
    rows([score], `cls_${s}`); rows([g.node('Identity', [score])], `obj_${s}`);
    rows([bx, by, lw, lh], `bbox_${s}`); rows(kps, `kps_${s}`);
    for (const [key, c] of [['cls', 1], ['obj', 1], ['bbox', 4], ['kps', 10]]) outs[key].push([`${key}_${s}`, c, n]);
  }
  for (const key of ['cls', 'obj', 'bbox', 'kps']) for (const [name, c, n] of outs[key]) g.output(name, F, [1, n, c]);
  files.write(`${dir}/${YUNET}`, g.toModel());
}

export function makeSface(files, dir, { cost } = {}) {
  const g = new Graph('sface_standin');
  g.input('data', F, [1, 3, 112, 112]);
  const extra = cost ? g.node('Mul', [g.node('ReduceMean', [cost(g)], 1, { keepdims: A.i(0) }), g.scalar(0)]) : null;
  const pooled = g.node('Flatten', [g.node('AveragePool', ['data'], 1, { kernel_shape: A.ints([28, 28]), strides: A.ints([28, 28]) })], 1, { axis: A.i(1) }); // [1,48]
  const centred = g.node('Sub', [pooled, g.node('ReduceMean', [pooled], 1, { axes: A.ints([1]), keepdims: A.i(1) })]);
  const spread = g.node('Add', [g.node('Sqrt', [g.node('ReduceMean', [g.node('Mul', [centred, centred])], 1, { axes: A.ints([1]), keepdims: A.i(1) })]), g.scalar(1)]);
  g.f32('fc', [48, 128], randn(48 * 128, 44, 1));
  const fc1 = g.node('MatMul', [g.node('Div', [centred, spread]), 'fc']);
  g.node(extra ? 'Add' : 'Identity', extra ? [fc1, extra] : [fc1], ['fc1']);
  g.output('fc1', F, [1, 128]);
  files.write(`${dir}/${SFACE}`, g.toModel());
}

export function makeFaces(files, dir, { yunetCost, sfaceCost } = {}) {
  makeYunet(files, dir, { cost: yunetCost });
  makeSface(files, dir, { cost: sfaceCost });
}
