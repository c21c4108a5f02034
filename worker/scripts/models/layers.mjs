// Building blocks with real models' compute for the bench stand-ins: q8 linear layers in the form
// onnxruntime's quantize_dynamic gives the `_quantized` files transformers.js loads on WASM
// (DynamicQuantizeLinear → MatMulInteger with uint8 weights → Cast → Mul by the scales), LayerNorm,
// multi-head attention and MLPs. Every weight matrix is distinct (seeded random), so the file sizes
// and memory traffic are the real ones too.
import { A, rng } from './onnx-writer.mjs';

export function randomBytes(n, seed) {
  const r = rng(seed), out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) { const v = (r() * 4294967296) >>> 0; out[i] = v; out[i + 1] = v >>> 8; out[i + 2] = v >>> 16; out[i + 3] = v >>> 24; }
  return out;
}

export class Net {
  /** `q8`: quantised linears (the WASM default); else fp32 MatMuls with the same shapes. */
  constructor(g, { q8 = true, seed = 1, scale = 0.02 } = {}) {
    this.g = g; this.q8 = q8; this.seed = seed; this.scale = scale; this.n = 0; this.quantised = new Map();
  }
  name(kind) { return `${kind}.${this.n++}`; }
  weightF32(dims, scale = this.scale) {
    const name = this.name('w'), n = dims.reduce((a, b) => a * b, 1), bytes = randomBytes(n, this.seed + this.n);
    const f = new Float32Array(n); for (let i = 0; i < n; i++) f[i] = ((bytes[i] - 128) / 128) * scale;
    this.g.f32(name, dims, f);
    return name;
  }
  /** x [..., din] → [..., dout] */
  linear(x, din, dout) {
    const g = this.g;
    if (!this.q8) return g.node('Add', [g.node('MatMul', [x, this.weightF32([din, dout])]), this.weightF32([dout], 0.01)]);
    let q = this.quantised.get(x);
    if (!q) { q = g.node('DynamicQuantizeLinear', [x], 3); this.quantised.set(x, q); }
    const [xq, xs, xz] = q;
    const w = this.name('wq');
    g.u8(w, [din, dout], randomBytes(din * dout, this.seed + this.n));
    const ws = g.scalar(this.scale / 128), wz = `${w}.zero`;
    g.u8(wz, [], Uint8Array.of(128));
    const acc = g.node('Cast', [g.node('MatMulInteger', [xq, w, xz, wz])], 1, { to: A.i(1) });
    return g.node('Add', [g.node('Mul', [acc, g.node('Mul', [xs, ws])]), this.weightF32([dout], 0.01)]);
  }
  layerNorm(x, d) {
    const s = this.name('ln'), b = `${s}.b`;
    this.g.f32(s, [d], new Float32Array(d).fill(1)); this.g.f32(b, [d], new Float32Array(d));
    return this.g.node('LayerNormalization', [x, s, b], 1, { axis: A.i(-1), epsilon: A.f(1e-5) });
  }
  gelu(x) { // QuickGELU, as CLIP; tanh-GELU costs about the same
    const g = this.g;
    return g.node('Mul', [x, g.node('Sigmoid', [g.node('Mul', [x, g.scalar(1.702)])])]);
  }
  /** x [b, N, d] → self-attention within chunks of `window` tokens (N when omitted) */
  //  `tokens` null: a symbolic sequence length (text), attended as a whole
  attention(x, { tokens, d, heads, window = tokens }) {
    const g = this.g, hd = d / heads;
    const shape = (name, dims) => { if (!g.inits.some(([n]) => n === name)) g.i64(name, [dims.length], dims); return name; };
    const split = (v) => g.node('Transpose', [g.node('Reshape', [v, tokens ? shape(`${g.prefix}shape.${window}.${heads}.${hd}`, [-1, window, heads, hd]) : shape(`${g.prefix}shape.s.${heads}.${hd}`, [0, 0, heads, hd])])], 1, { perm: A.ints([0, 2, 1, 3]) });
    const q = split(this.linear(x, d, d));
    const k = split(this.linear(x, d, d));
    const v = split(this.linear(x, d, d));
    const scores = g.node('Mul', [g.node('MatMul', [q, g.node('Transpose', [k], 1, { perm: A.ints([0, 1, 3, 2]) })]), g.scalar(1 / Math.sqrt(hd))]);
    const ctx = g.node('MatMul', [g.node('Softmax', [scores], 1, { axis: A.i(-1) }), v]);
    const merged = g.node('Reshape', [g.node('Transpose', [ctx], 1, { perm: A.ints([0, 2, 1, 3]) }), tokens ? shape(`${g.prefix}shape.${tokens}.${d}`, [-1, tokens, d]) : shape(`${g.prefix}shape.s.${d}`, [0, 0, d])]);
    return this.linear(merged, d, d);
  }
  conv(x, cin, cout, k, stride = 1, group = 1) {
    return this.g.node('Conv', [x, this.weightF32([cout, cin / group, k, k], 1.7 / Math.sqrt((cin / group) * k * k))], 1,
      { strides: A.ints([stride, stride]), pads: A.ints(Array(4).fill(Math.floor((k - 1) / 2))), group: A.i(group) });
  }
  /** token table of `vocab` rows kept as uint8, as the q8 files keep embeddings */
  embedding(ids, vocab, d) {
    const name = this.name('embq');
    this.g.u8(name, [vocab, d], randomBytes(vocab * d, this.seed + this.n));
    return this.g.node('Mul', [this.g.node('Cast', [this.g.node('Gather', [name, ids], 1, { axis: A.i(0) })], 1, { to: A.i(1) }), this.g.scalar(this.scale / 128)]);
  }
  mlp(x, d, ff) { return this.linear(this.gelu(this.linear(x, d, ff)), ff, d); }
  /** pre-LN transformer block */
  block(x, { tokens, d, heads, ff = 4 * d, window }) {
    const g = this.g;
    x = g.node('Add', [x, this.attention(this.layerNorm(x, d), { tokens, d, heads, window })]);
    return g.node('Add', [x, this.mlp(this.layerNorm(x, d), d, ff)]);
  }
}

/** Adds `cost` into `value` times zero: the graph must compute it, the output stays the stand-in's. */
export function addCost(g, value, cost, out) {
  const pooled = g.node('ReduceMean', [cost], 1, { keepdims: A.i(0) }); // scalar
  return g.node('Add', [value, g.node('Mul', [pooled, g.scalar(0)])], [out]);
}
