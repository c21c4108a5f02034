// `node worker/scripts/models/make-bench-model.mjs <out.onnx>`: a compute-equivalent stand-in for CLIP
// ViT-B/32 vision (12 layers, d=768, 12 heads, MLP 3072, 49 patches, same input/output names). Weights
// are random and shared across layers (39 MB instead of ~350 MB) but the FLOPs (~8.6 GFLOP) match the
// real model. bench:analysis uses it to measure model time against darkroom's own overhead.
// Adapted from the research probe (shared/research/ml-fixtures).
// Superseded by `make-tiny-models.mjs --compute real` (q8, distinct weights, every default model); kept
// while bench-analysis.mjs still calls it.
import fs from 'node:fs'; import path from 'node:path';
import { Graph, DT, A, randn } from './onnx-writer.mjs';
const out = process.argv[2] ?? 'public/models/bench/vit-b32-compute/onnx/vision_model.onnx';
const D = 768, H = 12, HD = 64, FF = 3072, L = +(process.argv[3] ?? 12);
const g = new Graph('vit_b32_compute');
g.input('pixel_values', DT.FLOAT, ['batch_size', 3, 224, 224]);
g.f32('patch_w', [D, 3, 32, 32], randn(D * 3 * 32 * 32, 1, 0.02));
g.i64('s_bd49', [3], [0, D, 49]); g.i64('s_heads', [4], [0, 49, H, HD]); g.i64('s_merge', [3], [0, 49, D]);
for (const n of ['wq', 'wk', 'wv', 'wo']) g.f32(n, [D, D], randn(D * D, n.charCodeAt(1), 0.03));
g.f32('w1', [D, FF], randn(D * FF, 7, 0.03)); g.f32('w2', [FF, D], randn(FF * D, 8, 0.02));
g.f32('ln_s', [D], new Float32Array(D).fill(1)); g.f32('ln_b', [D], new Float32Array(D));
g.f32('scale', [], [0.125]); g.f32('gelu_k', [], [1.702]);
g.f32('proj', [D, 512], randn(D * 512, 9, 0.03));
let x = g.node('Conv', ['pixel_values', 'patch_w'], 1, { strides: A.ints([32, 32]) });
x = g.node('Transpose', [g.node('Reshape', [x, 's_bd49'])], 1, { perm: A.ints([0, 2, 1]) }); // [b,49,768]
const ln = (v) => g.node('LayerNormalization', [v, 'ln_s', 'ln_b'], 1, { axis: A.i(-1), epsilon: A.f(1e-5) });
const heads = (v, perm) => g.node('Transpose', [g.node('Reshape', [v, 's_heads'])], 1, { perm: A.ints(perm) });
for (let l = 0; l < L; l++) {
  const h = ln(x);
  const q = heads(g.node('MatMul', [h, 'wq']), [0, 2, 1, 3]);
  const k = heads(g.node('MatMul', [h, 'wk']), [0, 2, 3, 1]);
  const v = heads(g.node('MatMul', [h, 'wv']), [0, 2, 1, 3]);
  const att = g.node('Softmax', [g.node('Mul', [g.node('MatMul', [q, k]), 'scale'])], 1, { axis: A.i(-1) });
  const ctx = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [att, v])], 1, { perm: A.ints([0, 2, 1, 3]) }), 's_merge']);
  x = g.node('Add', [x, g.node('MatMul', [ctx, 'wo'])]);
  const f = g.node('MatMul', [ln(x), 'w1']);
  const act = g.node('Mul', [f, g.node('Sigmoid', [g.node('Mul', [f, 'gelu_k'])])]); // QuickGELU (as in CLIP)
  x = g.node('Add', [x, g.node('MatMul', [act, 'w2'])]);
}
const pooled = g.node('ReduceMean', [ln(x)], 1, { axes: A.ints([1]), keepdims: A.i(0) });
g.node('MatMul', [pooled, 'proj'], ['image_embeds']);
g.output('image_embeds', DT.FLOAT, ['batch_size', 512]);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, g.toModel());
console.log(out, fs.statSync(out).size, 'bytes');
