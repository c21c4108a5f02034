// `npm run models:tiny -- <out> --compute real`: bench/… folders with the layouts and answers of the tiny
// stand-ins plus each real model's compute, as the app loads them on WASM: q8 (`_quantized`) files
// with quantised linears and distinct weights per layer (layers.mjs), the real tensor sizes between
// sessions and through the KV cache, and fp32 convolutions (as onnxruntime-web has no ConvInteger).
// The extra work is added to the stand-in's answer times zero, so outputs stay assertable.
// config.json pins dtype q8 ("transformers.js_config"), so every device runs the same weights.
import fs from 'node:fs';
import path from 'node:path';
import { A, DT, Graph } from './onnx-writer.mjs';
import { addCost, Net } from './layers.mjs';
import { addText, addVision, makeClip, makeSiglip } from './embeddings.mjs';
import { clipTokenizer, siglipTokenizer } from './tokenizers.mjs';
import { makeFlorence } from './florence.mjs';
import { makeFaces } from './faces.mjs';
import { makeSegmentation } from './segmentation.mjs';

const F = DT.FLOAT, I64 = DT.INT64;
const Q8 = ['_quantized'];

function pinQ8(files, dir) {
  const p = path.join(files.out, dir, 'config.json');
  const config = JSON.parse(fs.readFileSync(p, 'utf8'));
  fs.writeFileSync(p, JSON.stringify({ ...config, 'transformers.js_config': { dtype: 'q8' } }, null, 2));
  for (const f of fs.readdirSync(path.join(files.out, dir, 'onnx'))) if (!f.endsWith('_quantized.onnx')) fs.rmSync(path.join(files.out, dir, 'onnx', f));
}

/** ViT image tower: patch conv, `layers` pre-LN blocks, pooled → [b, d] */
function vit(net, px, { patch, size, d, layers, heads, cls = true }) {
  const g = net.g, n = (size / patch) ** 2, tokens = n + (cls ? 1 : 0);
  g.i64(`vit.shape.${n}`, [3], [0, d, n]);
  let x = g.node('Transpose', [g.node('Reshape', [net.conv(px, 3, d, patch, patch), `vit.shape.${n}`])], 1, { perm: A.ints([0, 2, 1]) });
  if (cls) x = g.node('Concat', [g.node('ReduceMean', [x], 1, { axes: A.ints([1]), keepdims: A.i(1) }), x], 1, { axis: A.i(1) });
  x = g.node('Add', [x, net.weightF32([tokens, d])]);
  for (let l = 0; l < layers; l++) x = net.block(x, { tokens, d, heads });
  return g.node('ReduceMean', [net.layerNorm(x, d)], 1, { axes: A.ints([1]), keepdims: A.i(0) });
}

/** text tower over a symbolic sequence → [b, d] */
function textTower(net, ids, { vocab, d, layers, heads }) {
  let x = net.embedding(ids, vocab, d);
  for (let l = 0; l < layers; l++) x = net.block(x, { tokens: null, d, heads });
  return net.g.node('ReduceMean', [net.layerNorm(x, d)], 1, { axes: A.ints([1]), keepdims: A.i(0) });
}

function clip(files, dir, { tok, dim, vis, vision, text, visionOut, textOut, mask, patches }) {
  let g = new Graph(`${dir}/vision`);
  g.input('pixel_values', F, ['batch_size', 3, 224, 224]);
  const img = addVision(g, { ...vis, out: 'standin_image', patches });
  if (patches) g.output(patches, F, ['batch_size', (vis.size / vis.patch) ** 2, dim]);
  let net = new Net(g, { seed: 100 });
  addCost(g, img, net.linear(vit(net, 'pixel_values', vision), vision.d, dim), visionOut);
  g.output(visionOut, F, ['batch_size', dim]);
  files.write(`${dir}/onnx/vision_model_quantized.onnx`, g.toModel());

  g = new Graph(`${dir}/text`);
  g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  if (mask) g.input('attention_mask', I64, ['batch_size', 'sequence_length']);
  const txt = addText(g, tok, { dim, out: 'standin_text', hidden: 'last_hidden_state', mask: mask ? 'attention_mask' : null });
  net = new Net(g, { seed: 200 });
  addCost(g, txt, net.linear(textTower(net, 'input_ids', text), text.d, dim), textOut);
  g.output(textOut, F, ['batch_size', dim]);
  g.output('last_hidden_state', F, ['batch_size', 'sequence_length', dim]);
  files.write(`${dir}/onnx/text_model_quantized.onnx`, g.toModel());
}

export function clipBench(files, dir) {
  makeClip(files, dir);
  clip(files, dir, {
    tok: clipTokenizer(), dim: 512, mask: true, visionOut: 'image_embeds', textOut: 'text_embeds',
    vis: { dim: 512, patch: 32, size: 224, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
    vision: { patch: 32, size: 224, d: 768, layers: 12, heads: 12 }, // ViT-B/32: ~4.4 GMAC
    text: { vocab: 49408, d: 512, layers: 12, heads: 8 },
  });
  pinQ8(files, dir);
}

export function siglipBench(files, dir) {
  makeSiglip(files, dir);
  clip(files, dir, {
    tok: siglipTokenizer(), dim: 768, mask: false, visionOut: 'pooler_output', textOut: 'pooler_output', patches: 'last_hidden_state',
    vis: { dim: 768, patch: 16, size: 224, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    vision: { patch: 16, size: 224, d: 768, layers: 12, heads: 12, cls: false }, // ViT-B/16: ~17.5 GMAC
    text: { vocab: 32000, d: 768, layers: 12, heads: 12 },
  });
  pinQ8(files, dir);
}

/** Hierarchical vision backbone (DaViT, Swin): a stride-4 stem, then per stage a stride-2 conv and
 *  `depth`×`blocksPerDepth` transformer blocks attending within `window`-token chunks → [b, N, c]. */
function hierarchical(net, px, { size, stages, window, blocksPerDepth }) {
  const g = net.g, id = net.name('stages');
  let side = size / 4, dim = stages[0][0];
  let x = g.node('Relu', [net.conv(px, 3, dim, 7, 4)]), t;
  stages.forEach(([c, depth, heads], i) => {
    if (i > 0) { x = net.conv(x, dim, c, 2, 2); side /= 2; dim = c; }
    const n = side * side;
    g.i64(`${id}.flat.${i}`, [3], [0, dim, n]); g.i64(`${id}.grid.${i}`, [4], [0, dim, side, side]);
    t = g.node('Transpose', [g.node('Reshape', [x, `${id}.flat.${i}`])], 1, { perm: A.ints([0, 2, 1]) });
    for (let k = 0; k < blocksPerDepth * depth; k++) t = net.block(t, { tokens: n, d: dim, heads, window: Math.min(window, n) });
    x = g.node('Reshape', [g.node('Transpose', [t], 1, { perm: A.ints([0, 2, 1]) }), `${id}.grid.${i}`]);
  });
  return t;
}

// Florence-2 base: DaViT vision encoder at 768×768 (~175 GMAC: stages of 128/256/512/1024 channels over
// 192²/96²/48²/24² tokens, depths 1/1/9/1 of a spatial and a channel block, attention in 144-token
// windows), a 6-layer BART encoder over the 577 image + prompt tokens, and a 6-layer decoder with the
// 51289-word LM head per generated token; the cross-attention keys and values of the encoder states are
// computed on the first step only (an If on use_cache_branch, as in the real merged decoder).
export function florenceBench(files, dir) {
  const d = 768;
  const cost = {
    embed(g, value, out) {
      const net = new Net(g, { seed: 300 });
      return addCost(g, value, net.embedding('input_ids', 51289, d), out);
    },
    vision(g, value, out) {
      const net = new Net(g, { seed: 400 });
      const tokens = hierarchical(net, 'pixel_values', { size: 768, stages: [[128, 1, 4], [256, 1, 8], [512, 9, 16], [1024, 1, 32]], window: 144, blocksPerDepth: 2 });
      return addCost(g, value, net.linear(net.layerNorm(tokens, 1024), 1024, d), out);
    },
    encoder(g, value, out) {
      const net = new Net(g, { seed: 500 });
      let x = 'inputs_embeds';
      for (let l = 0; l < 6; l++) x = net.block(x, { tokens: null, d, heads: 12 });
      return addCost(g, value, x, out);
    },
    decoder(g, value, out) {
      const net = new Net(g, { seed: 600 });
      let x = 'inputs_embeds';
      for (let l = 0; l < 6; l++) {
        x = net.block(x, { tokens: null, d, heads: 12 }); // self-attention + MLP
        x = g.node('Add', [x, net.linear(net.linear(net.layerNorm(x, d), d, d), d, d)]); // cross-attention q and out
      }
      const lmHead = g.node('ReduceMean', [net.linear(net.layerNorm(x, d), d, 51289)], 1, { keepdims: A.i(0) });
      // cross-attention keys/values of the encoder states: first step only
      const then = new Graph('reuse', 'then_'); then.f32('then_zero', [], [0]); then.node('Identity', ['then_zero'], ['then_out']); then.output('then_out', F, []);
      const fresh = new Graph('project', 'else_'); const fnet = new Net(fresh, { seed: 700 });
      let sum = null;
      for (let l = 0; l < 12; l++) {
        const m = fresh.node('ReduceMean', [fnet.linear('encoder_hidden_states', d, d)], 1, { keepdims: A.i(0) });
        sum = sum ? fresh.node('Add', [sum, m]) : m;
      }
      fresh.node('Identity', [sum], ['else_out']); fresh.output('else_out', F, []);
      const kv = g.node('If', ['use_cache_branch'], 1, { then_branch: A.g(then), else_branch: A.g(fresh) });
      return addCost(g, value, g.node('Add', [lmHead, kv]), out);
    },
  };
  makeFlorence(files, dir, { dim: d, headDim: 64, cost, suffixes: Q8, long: true });
  pinQ8(files, dir);
}

// YuNet 2023mar (~0.3 GMAC at 640²: depthwise-separable conv stages) and SFace 2021dec (MobileFaceNet-like,
// ~0.5 GMAC at 112², a 25088→128 embedding layer). Both fp32, as OpenCV Zoo publishes them.
export function facesBench(files, dir) {
  const dws = (net, x, cin, cout, stride) => {
    const g = net.g;
    return g.node('Relu', [net.conv(g.node('Relu', [net.conv(x, cin, cin, 3, stride, cin)]), cin, cout, 1)]);
  };
  makeFaces(files, dir, {
    yunetCost(g) {
      const net = new Net(g, { q8: false, seed: 800 });
      let x = g.node('Relu', [net.conv('input', 3, 16, 3, 2)]);
      for (const [cin, cout, s] of [[16, 32, 2], [32, 64, 2], [64, 64, 1], [64, 64, 2], [64, 64, 2]]) x = dws(net, x, cin, cout, s);
      return x;
    },
    sfaceCost(g) {
      const net = new Net(g, { q8: false, seed: 900 });
      let x = g.node('Relu', [net.conv('data', 3, 32, 3, 1)]);
      const blocks = [[32, 64, 1], [64, 128, 2], [128, 128, 1], [128, 256, 2], [256, 256, 1], [256, 512, 2], ...Array(5).fill([512, 512, 1]), [512, 512, 2]];
      for (const [cin, cout, s] of blocks) x = dws(net, x, cin, cout, s);
      return net.linear(g.node('Flatten', [x], 1, { axis: A.i(1) }), 512 * 49, 128);
    },
  });
}

// BiRefNet lite (background removal): a Swin-T-sized backbone at 1024×1024 (stages of 96/192/384/768
// channels, depths 2/2/6/2, 64-token windows where Swin pads 7×7 ones, ~95 GMAC) plus fp32 decoder convs back up to full size.
export function segmentationBench(files, dir) {
  makeSegmentation(files, dir, {
    kind: 'birefnet',
    suffixes: Q8,
    cost(g) {
      const net = new Net(g, { seed: 1000 });
      const t = hierarchical(net, 'input_image', { size: 1024, stages: [[96, 2, 3], [192, 2, 6], [384, 6, 12], [768, 2, 24]], window: 64, blocksPerDepth: 1 });
      g.i64('seg.grid', [4], [0, 768, 32, 32]);
      let x = g.node('Reshape', [g.node('Transpose', [t], 1, { perm: A.ints([0, 2, 1]) }), 'seg.grid']), c = 768;
      for (const next of [384, 192, 96, 48, 16]) { // upsample ×2 and refine, to 1024² at the end
        x = g.node('Relu', [net.conv(g.node('Resize', [x, '', 'seg.up'], 1, { mode: A.s('nearest') }), c, next, 3)]);
        c = next;
      }
      g.f32('seg.up', [4], [1, 1, 2, 2]);
      return x;
    },
  });
  pinQ8(files, dir);
}

export async function makeRealCompute(files) {
  clipBench(files, 'bench/clip-vit-base-patch32');
  siglipBench(files, 'bench/siglip-base-patch16-224');
  florenceBench(files, 'bench/Florence-2-base-ft');
  facesBench(files, 'bench/opencv_zoo');
  segmentationBench(files, 'bench/BiRefNet_lite-ONNX');
}
