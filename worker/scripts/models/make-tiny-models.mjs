// `npm run models:tiny -- <outDir>`: tiny, deterministic stand-ins for darkroom's default models, with
// the real file layout, config files and input/output names, so the real loading code runs unchanged
// against them (no model hub is reachable in tests). Their outputs carry meaning for assertions:
// captions read "a photo of a <red|green|blue> thing" after the dominant colour, CLIP embedding dims
// 0/1/2 carry mean R/G/B, and the face detector fires on strongly red patches.
// Adapted from the research probe's generator (shared/research/ml-fixtures).
import fs from 'node:fs';
import path from 'node:path';
import { Graph, DT, A, randn } from './onnx-writer.mjs';

const OUT = process.argv[2] ?? 'test-output/models';
const F = DT.FLOAT, I64 = DT.INT64;
const write = (rel, data) => {
  const p = path.join(OUT, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data, null, 2));
  return p;
};
const EMB = 512;

// ---------------------------------------------------------------------------------------------
// Tokenizers (hand-made tokenizer.json in HF `tokenizers` format)
// ---------------------------------------------------------------------------------------------
const WORDS = ['a', 'photo', 'of', 'the', 'this', 'is', 'red', 'green', 'blue', 'cat', 'dog', 'person', 'face',
  'beach', 'mountain', 'car', 'food', 'thing', 'picture', 'sunset', 'snow', 'city', 'tree', 'night'];

function bpeFromWords(words, { eow = '', prefix = '' } = {}) {
  // vocab: all single chars (with and without end-of-word suffix) + every left-to-right prefix merge
  const vocab = new Map(); const merges = []; const seenMerge = new Set();
  const add = (t) => { if (!vocab.has(t)) vocab.set(t, vocab.size); };
  const chars = new Set(words.flatMap((w) => [...(prefix + w)]));
  for (const c of [...chars].sort()) { add(c); if (eow) add(c + eow); }
  for (const w0 of words) {
    const sym = [...(prefix + w0)];
    if (eow) sym[sym.length - 1] += eow;
    let cur = sym[0];
    for (let k = 1; k < sym.length; k++) {
      const m = `${cur} ${sym[k]}`;
      if (!seenMerge.has(m)) { seenMerge.add(m); merges.push(m); }
      cur += sym[k]; add(cur);
    }
  }
  return { vocab, merges };
}

function clipTokenizer() {
  const { vocab, merges } = bpeFromWords(WORDS, { eow: '</w>' });
  const bos = vocab.size, eos = vocab.size + 1;
  const v = Object.fromEntries(vocab);
  v['<|startoftext|>'] = bos; v['<|endoftext|>'] = eos;
  const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(bos, '<|startoftext|>'), special(eos, '<|endoftext|>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eos], cls: ['<|startoftext|>', bos], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab: v, merges },
  };
  const config = { tokenizer_class: 'CLIPTokenizer', model_max_length: 77, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>', do_lower_case: true, clean_up_tokenization_spaces: false, add_prefix_space: false };
  return { tokenizer, config, vocabSize: eos + 1, bos, eos, ids: v };
}

// GPT-2 style byte-level BPE for the captioner. ids are fixed so the decoder weights can target them.
const CAP = ['<|endoftext|>', 'a', 'Ġphoto', 'Ġof', 'Ġa', 'Ġred', 'Ġgreen', 'Ġblue', 'Ġthing'];
function gpt2Tokenizer() {
  const vocab = Object.fromEntries(CAP.map((t, i) => [t, i]));
  // add single chars + merges so encode() also works for these words
  const merges = []; const seen = new Set();
  const addTok = (t) => { if (!(t in vocab)) vocab[t] = Object.keys(vocab).length; };
  for (const w of CAP.slice(1)) {
    const sym = [...w]; let cur = sym[0]; addTok(cur);
    for (let k = 1; k < sym.length; k++) { addTok(sym[k]); const m = `${cur} ${sym[k]}`; if (!seen.has(m)) { seen.add(m); merges.push(m); } cur += sym[k]; addTok(cur); }
  }
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: 0, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const config = { tokenizer_class: 'GPT2Tokenizer', model_max_length: 1024, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: '<|endoftext|>', add_prefix_space: false };
  return { tokenizer, config, vocabSize: Object.keys(vocab).length };
}

// ---------------------------------------------------------------------------------------------
// CLIP: vision_model.onnx, text_model.onnx, model.onnx (joint, for zero-shot pipeline)
// Embedding dims 0/1/2 carry mean R/G/B of the (normalized) image; words red/green/blue map to e0/e1/e2.
// ---------------------------------------------------------------------------------------------
function clipVisionWeights() {
  const W = randn(147 * EMB, 11, 0.01); // [147, 512]; rows = c*49 + pos
  for (let c = 0; c < 3; c++) for (let p = 0; p < 49; p++) W[(c * 49 + p) * EMB + c] = 1 / 49;
  return W;
}
function addClipVision(g, px = 'pixel_values', out = 'image_embeds') {
  const pooled = g.node('AveragePool', [px], 1, { kernel_shape: A.ints([32, 32]), strides: A.ints([32, 32]) }); // [b,3,7,7]
  const flat = g.node('Flatten', [pooled], 1, { axis: A.i(1) }); // [b,147]
  g.f32('visual_projection', [147, EMB], clipVisionWeights());
  return g.node('MatMul', [flat, 'visual_projection'], [out]);
}
function addClipText(g, tok, ids = 'input_ids', mask = 'attention_mask', out = 'text_embeds', hidden = 'last_hidden_state') {
  const E = randn(tok.vocabSize * EMB, 22, 0.05);
  const axis = { red: 0, green: 1, blue: 2 };
  for (const [w, d] of Object.entries(axis)) E[tok.ids[w + '</w>'] * EMB + d] = 6; // strong colour axes
  g.f32('token_embedding', [tok.vocabSize, EMB], E);
  const h = g.node('Gather', ['token_embedding', ids], [hidden], { axis: A.i(0) }); // [b,s,512]
  const mf = g.node('Cast', [mask], 1, { to: A.i(F) });
  g.i64('axis_m1', [1], [-1]); g.i64('axis_1', [1], [1]);
  const m3 = g.node('Unsqueeze', [mf, 'axis_m1']); // [b,s,1]
  const num = g.node('ReduceSum', [g.node('Mul', [h, m3]), 'axis_1'], 1, { keepdims: A.i(0) }); // [b,512]
  const den = g.node('ReduceSum', [mf, 'axis_1'], 1, { keepdims: A.i(1) }); // [b,1]
  return g.node('Div', [num, den], [out]);
}
function l2norm(g, x) {
  const n = g.node('ReduceL2', [x], 1, { axes: A.ints([-1]), keepdims: A.i(1) });
  return g.node('Div', [x, n]);
}

function makeClip(dir) {
  const tok = clipTokenizer();
  // vision
  let g = new Graph('clip_vision');
  g.input('pixel_values', F, ['batch_size', 3, 224, 224]);
  addClipVision(g);
  g.output('image_embeds', F, ['batch_size', EMB]);
  const vision = g.toModel();
  // text
  g = new Graph('clip_text');
  g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  g.input('attention_mask', I64, ['batch_size', 'sequence_length']);
  addClipText(g, tok);
  g.output('text_embeds', F, ['batch_size', EMB]);
  g.output('last_hidden_state', F, ['batch_size', 'sequence_length', EMB]);
  const text = g.toModel();
  // joint (CLIPModel) for pipeline('zero-shot-image-classification')
  g = new Graph('clip');
  g.input('input_ids', I64, ['text_batch_size', 'sequence_length']);
  g.input('pixel_values', F, ['image_batch_size', 3, 224, 224]);
  g.input('attention_mask', I64, ['text_batch_size', 'sequence_length']);
  addClipVision(g); addClipText(g, tok, 'input_ids', 'attention_mask', 'text_embeds', 'text_last_hidden');
  const ni = l2norm(g, 'image_embeds'), nt = l2norm(g, 'text_embeds');
  const ntT = g.node('Transpose', [nt], 1, { perm: A.ints([1, 0]) });
  g.f32('logit_scale', [], [100]);
  const lpi = g.node('Mul', [g.node('MatMul', [ni, ntT]), 'logit_scale'], ['logits_per_image']);
  g.node('Transpose', [lpi], ['logits_per_text'], { perm: A.ints([1, 0]) });
  g.output('logits_per_image', F, ['image_batch_size', 'text_batch_size']);
  g.output('logits_per_text', F, ['text_batch_size', 'image_batch_size']);
  g.output('text_embeds', F, ['text_batch_size', EMB]);
  g.output('image_embeds', F, ['image_batch_size', EMB]);
  const joint = g.toModel();

  // fp32 file names are what dtype:'fp32' loads; q8 (`_quantized`) is the WASM default -> same bytes
  for (const [base, bytes] of [['vision_model', vision], ['text_model', text], ['model', joint]]) {
    write(`${dir}/onnx/${base}.onnx`, bytes);
    write(`${dir}/onnx/${base}_quantized.onnx`, bytes);
  }
  write(`${dir}/config.json`, {
    _name_or_path: 'tiny-clip (ml-probe fixture)', architectures: ['CLIPModel'], model_type: 'clip',
    projection_dim: EMB, logit_scale_init_value: 2.6592,
    text_config: { model_type: 'clip_text_model', hidden_size: EMB, projection_dim: EMB, vocab_size: tok.vocabSize, max_position_embeddings: 77, num_attention_heads: 8, num_hidden_layers: 1, bos_token_id: tok.bos, eos_token_id: tok.eos },
    vision_config: { model_type: 'clip_vision_model', hidden_size: 768, projection_dim: EMB, image_size: 224, patch_size: 32, num_channels: 3, num_attention_heads: 12, num_hidden_layers: 1 },
    'transformers.js_config': { dtype: 'fp32' },
  });
  write(`${dir}/preprocessor_config.json`, {
    crop_size: { height: 224, width: 224 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
    feature_extractor_type: 'CLIPFeatureExtractor', image_processor_type: 'CLIPImageProcessor',
    image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
    resample: 3, rescale_factor: 0.00392156862745098, size: { shortest_edge: 224 },
  });
  write(`${dir}/tokenizer.json`, tok.tokenizer);
  write(`${dir}/tokenizer_config.json`, tok.config);
  write(`${dir}/special_tokens_map.json`, { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>' });
}

// ---------------------------------------------------------------------------------------------
// VisionEncoderDecoder (ViT encoder + GPT-2-like decoder with KV cache) for image-to-text.
// Greedy decoding yields "a photo of a <red|green|blue> thing" depending on the dominant colour.
// ---------------------------------------------------------------------------------------------
function makeCaptioner(dir, { layers = 2, heads = 2, headDim = 4 } = {}) {
  const tok = gpt2Tokenizer();
  const V = tok.vocabSize, HD = heads * headDim, ENC = HD; // encoder hidden == decoder n_embd (8)
  // encoder_model.onnx: pixel_values -> last_hidden_state [b,49,ENC]; dims 0..2 = patch RGB
  let g = new Graph('vit_encoder');
  g.input('pixel_values', F, ['batch_size', 3, 224, 224]);
  const p = g.node('AveragePool', ['pixel_values'], 1, { kernel_shape: A.ints([32, 32]), strides: A.ints([32, 32]) });
  g.i64('shape_b3_49', [3], [0, 3, 49]);
  const t = g.node('Transpose', [g.node('Reshape', [p, 'shape_b3_49'])], 1, { perm: A.ints([0, 2, 1]) }); // [b,49,3]
  const We = randn(3 * ENC, 33, 0.01); for (let c = 0; c < 3; c++) We[c * ENC + c] = 1;
  g.f32('patch_proj', [3, ENC], We);
  g.node('MatMul', [t, 'patch_proj'], ['last_hidden_state']);
  g.output('last_hidden_state', F, ['batch_size', 49, ENC]);
  const encoder = g.toModel();

  // decoder_model_merged.onnx
  g = new Graph('gpt2_decoder');
  g.input('input_ids', I64, ['batch_size', 'decoder_sequence_length']);
  g.input('encoder_hidden_states', F, ['batch_size', 'encoder_sequence_length', ENC]);
  for (let l = 0; l < layers; l++) for (const kv of ['key', 'value'])
    g.input(`past_key_values.${l}.${kv}`, F, ['batch_size', heads, 'past_decoder_sequence_length', headDim]);
  // next-token table: a -> photo -> of -> a -> (colour) -> thing -> <eos>
  const T = new Float32Array(V * V).fill(-5);
  const next = { 0: 1, 1: 2, 2: 3, 3: 4, 5: 8, 6: 8, 7: 8, 8: 0 };
  for (const [a, b] of Object.entries(next)) T[+a * V + b] = 10;
  g.f32('transition', [V, V], T);
  const base = g.node('Gather', ['transition', 'input_ids'], 1, { axis: A.i(0) }); // [b,s,V]
  const gate = new Float32Array(V); gate[4] = 1; // colour decision only after " a" (id 4)
  g.f32('colour_gate', [V, 1], gate);
  const gt = g.node('Gather', ['colour_gate', 'input_ids'], 1, { axis: A.i(0) }); // [b,s,1]
  const pooled = g.node('ReduceMean', ['encoder_hidden_states'], 1, { axes: A.ints([1]), keepdims: A.i(1) }); // [b,1,ENC]
  const Wc = new Float32Array(ENC * V); for (let c = 0; c < 3; c++) Wc[c * V + 5 + c] = 1; // R,G,B -> red,green,blue
  g.f32('colour_head', [ENC, V], Wc);
  const colour = g.node('MatMul', [pooled, 'colour_head']); // [b,1,V]
  g.node('Add', [base, g.node('Mul', [gt, colour])], ['logits']);
  g.output('logits', F, ['batch_size', 'decoder_sequence_length', V]);
  // KV cache: present = concat(past, proj(input_ids)) along the sequence axis
  g.i64('shape_kv', [4], [0, 0, heads, headDim]);
  for (let l = 0; l < layers; l++) for (const [k, kv] of ['key', 'value'].entries()) {
    g.f32(`kv_emb.${l}.${kv}`, [V, HD], randn(V * HD, 100 + l * 2 + k, 0.1));
    const e = g.node('Gather', [`kv_emb.${l}.${kv}`, 'input_ids'], 1, { axis: A.i(0) }); // [b,s,HD]
    const r = g.node('Transpose', [g.node('Reshape', [e, 'shape_kv'])], 1, { perm: A.ints([0, 2, 1, 3]) }); // [b,H,s,D]
    g.node('Concat', [`past_key_values.${l}.${kv}`, r], [`present.${l}.${kv}`], { axis: A.i(2) });
    g.output(`present.${l}.${kv}`, F, ['batch_size', heads, 'total_sequence_length', headDim]);
  }
  const decoder = g.toModel();

  for (const [base, bytes] of [['encoder_model', encoder], ['decoder_model_merged', decoder]]) {
    write(`${dir}/onnx/${base}.onnx`, bytes);
    write(`${dir}/onnx/${base}_quantized.onnx`, bytes);
  }
  write(`${dir}/config.json`, {
    _name_or_path: 'tiny-vit-gpt2 (ml-probe fixture)', architectures: ['VisionEncoderDecoderModel'], model_type: 'vision-encoder-decoder',
    is_encoder_decoder: true, tie_word_embeddings: false, decoder_start_token_id: 0, bos_token_id: 0, eos_token_id: 0, pad_token_id: 0,
    encoder: { model_type: 'vit', hidden_size: ENC, image_size: 224, patch_size: 32, num_channels: 3, num_attention_heads: heads, num_hidden_layers: 1 },
    decoder: { model_type: 'gpt2', n_embd: HD, n_head: heads, n_layer: layers, n_positions: 64, vocab_size: V, bos_token_id: 0, eos_token_id: 0, add_cross_attention: true, is_decoder: true },
    'transformers.js_config': { dtype: 'fp32' },
  });
  write(`${dir}/generation_config.json`, { bos_token_id: 0, decoder_start_token_id: 0, eos_token_id: 0, pad_token_id: 0, max_length: 16 });
  write(`${dir}/preprocessor_config.json`, {
    do_normalize: true, do_rescale: true, do_resize: true, feature_extractor_type: 'ViTFeatureExtractor', image_processor_type: 'ViTImageProcessor',
    image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], resample: 2, rescale_factor: 0.00392156862745098, size: { height: 224, width: 224 },
  });
  write(`${dir}/tokenizer.json`, tok.tokenizer);
  write(`${dir}/tokenizer_config.json`, tok.config);
}

// ---------------------------------------------------------------------------------------------
// Face models for onnxruntime-web directly.
//  detector (YuNet-like): input [1,3,H,W] RGB 0..255 -> cls/obj/bbox/kps per stride 8/16/32, [1,N,C]
//  strongly red patches score high, so a test can paint a red square and expect a detection there.
//  embedder (ArcFace/MobileFaceNet-like): input [N,3,112,112] -> embedding [N,512] (not L2-normalised)
// ---------------------------------------------------------------------------------------------
function makeFace(dir) {
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


makeClip('tiny/clip-vit-base-patch32');
makeCaptioner('tiny/vit-gpt2-image-captioning');
makeFace('tiny/face');
for (const f of fs.readdirSync(OUT, { recursive: true })) {
  const p = path.join(OUT, f); const st = fs.statSync(p);
  if (st.isFile()) console.log(String(st.size).padStart(9), f);
}
