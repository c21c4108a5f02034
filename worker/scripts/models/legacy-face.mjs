// Legacy `tiny/face` folder (face_config.json + face_detector.onnx + face_embedder.onnx, RGB input,
// 512-d embedder) that the app used before the real YuNet/SFace file names; kept until it moves over.
import { A, DT, Graph, randn } from './onnx-writer.mjs';

const F = DT.FLOAT;
const EMB = 512;

export function makeLegacyFace(files, dir) {
  const write = files.write;
  let g = new Graph('yunet_like');
  g.input('input', F, [1, 3, 'height', 'width']);
  g.i64('split_sizes', [4], [1, 1, 4, 10]);
  g.i64('shape_1_n_16', [3], [1, -1, 16]);
  const Wc = new Float32Array(16 * 3), Bc = new Float32Array(16);
  for (const ch of [0, 1]) { Wc[ch * 3 + 0] = 0.05; Wc[ch * 3 + 1] = -0.025; Wc[ch * 3 + 2] = -0.025; Bc[ch] = -2; } // cls,obj: R-(G+B)/2
  g.f32('head_w', [16, 3, 1, 1], Wc); g.f32('head_b', [16], Bc);
  for (const s of [8, 16, 32]) {
    const pool = g.node('AveragePool', ['input'], 1, { kernel_shape: A.ints([s, s]), strides: A.ints([s, s]) });
    const conv = g.node('Conv', [pool, 'head_w', 'head_b']); // [1,16,h,w]
    const flat = g.node('Reshape', [g.node('Transpose', [conv], 1, { perm: A.ints([0, 2, 3, 1]) }), 'shape_1_n_16']);
    const [c, o, b, k] = g.node('Split', [flat, 'split_sizes'], 4, { axis: A.i(2) });
    g.node('Sigmoid', [c], [`cls_${s}`]); g.node('Sigmoid', [o], [`obj_${s}`]);
    g.node('Identity', [b], [`bbox_${s}`]); g.node('Identity', [k], [`kps_${s}`]);
  }
  for (const [n, c] of [['cls', 1], ['obj', 1], ['bbox', 4], ['kps', 10]]) for (const s of [8, 16, 32]) g.output(`${n}_${s}`, F, [1, `num_anchors_${s}`, c]);
  write(`${dir}/face_detector.onnx`, g.toModel());

  g = new Graph('arcface_like');
  g.input('input', F, ['batch_size', 3, 112, 112]);
  const pool = g.node('AveragePool', ['input'], 1, { kernel_shape: A.ints([8, 8]), strides: A.ints([8, 8]) }); // [N,3,14,14]
  const flat = g.node('Flatten', [pool], 1, { axis: A.i(1) }); // [N,588]
  g.f32('fc', [588, EMB], randn(588 * EMB, 44, 0.05));
  g.node('MatMul', [flat, 'fc'], ['embedding']);
  g.output('embedding', F, ['batch_size', EMB]);
  write(`${dir}/face_embedder.onnx`, g.toModel());
  write(`${dir}/face_config.json`, {
    detector: { file: 'face_detector.onnx', input: 'input', layout: 'NCHW', color: 'RGB', scale: '0..255', strides: [8, 16, 32], outputs: ['cls', 'obj', 'bbox', 'kps'] },
    embedder: { file: 'face_embedder.onnx', input: 'input', size: 112, output: 'embedding', dim: EMB, normalize: 'l2 in JS' },
  });
}
