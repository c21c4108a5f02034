// Image/text embedding stand-ins with the real repos' layout and I/O:
//  - Xenova/clip-vit-base-patch32 (512-d): onnx/{vision_model,text_model,model}.onnx, image_embeds/text_embeds
//  - Xenova/siglip-base-patch16-224 (768-d): onnx/{vision_model,text_model,model}.onnx, pooler_output
// An image embeds to its palette weights (COLOURS) on the first K axes, plus a little spatial detail;
// a colour word embeds onto its colour's axis. So "red" lands nearest the red photos, by cosine.
import { A, DT, Graph, randn } from './onnx-writer.mjs';
import { COLOURS, K, meanRgb, paletteWeights } from './colour.mjs';
import { clipTokenizer, siglipTokenizer } from './tokenizers.mjs';

const F = DT.FLOAT, I64 = DT.INT64;

function colourBasis(dim) {
  const E = new Float32Array(K * dim);
  for (let k = 0; k < K; k++) E[k * dim + k] = 1;
  return E;
}

/** pixel_values → [b,dim] palette embedding (+ detail); also returns patch features when asked. */
export function addVision(g, { dim, patch, size, mean, std, out, patches }) {
  const w = paletteWeights(g, meanRgb(g, 'pixel_values', { mean, std }));
  g.f32('colour_basis', [K, dim], colourBasis(dim));
  const n = (size / patch) ** 2;
  const pooled = g.node('AveragePool', ['pixel_values'], 1, { kernel_shape: A.ints([patch, patch]), strides: A.ints([patch, patch]) });
  g.i64('shape_b3n', [3], [0, 3, n]);
  const tokens = g.node('Transpose', [g.node('Reshape', [pooled, 'shape_b3n'])], 1, { perm: A.ints([0, 2, 1]) }); // [b,n,3]
  g.f32('patch_proj', [3, dim], randn(3 * dim, 11, 0.01));
  const feats = g.node('MatMul', [tokens, 'patch_proj'], patches ? [patches] : 1); // [b,n,dim]
  const detail = g.node('ReduceMean', [feats], 1, { axes: A.ints([1]), keepdims: A.i(0) });
  return g.node('Add', [g.node('MatMul', [w, 'colour_basis']), detail], [out]);
}

/** token ids → masked mean of token embeddings; colour words point along their colour axis. */
export function addText(g, tok, { dim, out, hidden, mask }) {
  const E = randn(tok.vocabSize * dim, 22, 0.05);
  COLOURS.forEach(([c], k) => { E[tok.word(c) * dim + k] = 6; });
  if (tok.pad !== undefined) E.fill(0, tok.pad * dim, (tok.pad + 1) * dim); // SigLIP pads to 64 with </s>
  g.f32('token_embedding', [tok.vocabSize, dim], E);
  const h = g.node('Gather', ['token_embedding', 'input_ids'], [hidden], { axis: A.i(0) }); // [b,s,dim]
  if (!mask) return g.node('ReduceMean', [h], [out], { axes: A.ints([1]), keepdims: A.i(0) });
  g.i64('axis_1', [1], [1]); g.i64('axis_m1', [1], [-1]);
  const mf = g.node('Cast', [mask], 1, { to: A.i(F) });
  const num = g.node('ReduceSum', [g.node('Mul', [h, g.node('Unsqueeze', [mf, 'axis_m1'])]), 'axis_1'], 1, { keepdims: A.i(0) });
  return g.node('Div', [num, g.node('ReduceSum', [mf, 'axis_1'], 1, { keepdims: A.i(1) })], [out]);
}

function l2norm(g, x, out) {
  return g.node('Div', [x, g.node('ReduceL2', [x], 1, { axes: A.ints([-1]), keepdims: A.i(1) })], out ? [out] : 1);
}

export function makeClip(files, dir) {
  const tok = clipTokenizer();
  const dim = 512, vis = { dim, patch: 32, size: 224, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] };
  let g = new Graph('clip_vision');
  g.input('pixel_values', F, ['batch_size', 3, 224, 224]);
  addVision(g, { ...vis, out: 'image_embeds' });
  g.output('image_embeds', F, ['batch_size', dim]);
  files.onnx(dir, 'vision_model', g.toModel());

  g = new Graph('clip_text');
  g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  g.input('attention_mask', I64, ['batch_size', 'sequence_length']);
  addText(g, tok, { dim, out: 'text_embeds', hidden: 'last_hidden_state', mask: 'attention_mask' });
  g.output('text_embeds', F, ['batch_size', dim]);
  g.output('last_hidden_state', F, ['batch_size', 'sequence_length', dim]);
  files.onnx(dir, 'text_model', g.toModel());

  // joint CLIPModel, for pipeline('zero-shot-image-classification')
  g = new Graph('clip');
  g.input('input_ids', I64, ['text_batch_size', 'sequence_length']);
  g.input('pixel_values', F, ['image_batch_size', 3, 224, 224]);
  g.input('attention_mask', I64, ['text_batch_size', 'sequence_length']);
  addVision(g, { ...vis, out: 'image_embeds' });
  addText(g, tok, { dim, out: 'text_embeds', hidden: 'text_last_hidden', mask: 'attention_mask' });
  addLogits(g, 100, 0);
  g.output('logits_per_image', F, ['image_batch_size', 'text_batch_size']);
  g.output('logits_per_text', F, ['text_batch_size', 'image_batch_size']);
  g.output('text_embeds', F, ['text_batch_size', dim]);
  g.output('image_embeds', F, ['image_batch_size', dim]);
  files.onnx(dir, 'model', g.toModel());

  files.write(`${dir}/config.json`, {
    _name_or_path: 'darkroom tiny stand-in for openai/clip-vit-base-patch32', architectures: ['CLIPModel'], model_type: 'clip',
    projection_dim: dim, logit_scale_init_value: 2.6592,
    text_config: { model_type: 'clip_text_model', hidden_size: dim, projection_dim: dim, vocab_size: tok.vocabSize, max_position_embeddings: 77, num_attention_heads: 8, num_hidden_layers: 12, bos_token_id: tok.bos, eos_token_id: tok.eos },
    vision_config: { model_type: 'clip_vision_model', hidden_size: 768, projection_dim: dim, image_size: 224, patch_size: 32, num_channels: 3, num_attention_heads: 12, num_hidden_layers: 12 },
  });
  files.write(`${dir}/preprocessor_config.json`, {
    crop_size: { height: 224, width: 224 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
    feature_extractor_type: 'CLIPFeatureExtractor', image_processor_type: 'CLIPImageProcessor',
    image_mean: vis.mean, image_std: vis.std, resample: 3, rescale_factor: 0.00392156862745098, size: { shortest_edge: 224 },
  });
  files.write(`${dir}/tokenizer.json`, tok.tokenizer);
  files.write(`${dir}/tokenizer_config.json`, tok.config);
  files.write(`${dir}/special_tokens_map.json`, { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>' });
}

function addLogits(g, scale, bias) {
  const ni = l2norm(g, 'image_embeds'), nt = l2norm(g, 'text_embeds');
  g.f32('logit_scale', [], [scale]); g.f32('logit_bias', [], [bias]);
  const sim = g.node('MatMul', [ni, g.node('Transpose', [nt], 1, { perm: A.ints([1, 0]) })]);
  const lpi = g.node('Add', [g.node('Mul', [sim, 'logit_scale']), 'logit_bias'], ['logits_per_image']);
  g.node('Transpose', [lpi], ['logits_per_text'], { perm: A.ints([1, 0]) });
}

export function makeSiglip(files, dir) {
  const tok = siglipTokenizer();
  const dim = 768, vis = { dim, patch: 16, size: 224, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
  let g = new Graph('siglip_vision');
  g.input('pixel_values', F, ['batch_size', 3, 224, 224]);
  addVision(g, { ...vis, out: 'pooler_output', patches: 'last_hidden_state' });
  g.output('last_hidden_state', F, ['batch_size', 196, dim]);
  g.output('pooler_output', F, ['batch_size', dim]);
  files.onnx(dir, 'vision_model', g.toModel());

  g = new Graph('siglip_text');
  g.input('input_ids', I64, ['batch_size', 'sequence_length']); // the real text model takes no attention_mask
  addText(g, tok, { dim, out: 'pooler_output', hidden: 'last_hidden_state' });
  g.output('last_hidden_state', F, ['batch_size', 'sequence_length', dim]);
  g.output('pooler_output', F, ['batch_size', dim]);
  files.onnx(dir, 'text_model', g.toModel());

  g = new Graph('siglip');
  g.input('input_ids', I64, ['text_batch_size', 'sequence_length']);
  g.input('pixel_values', F, ['image_batch_size', 3, 224, 224]);
  addVision(g, { ...vis, out: 'image_raw' });
  addText(g, tok, { dim, out: 'text_raw', hidden: 'text_last_hidden' });
  g.node('Identity', ['image_raw'], ['image_embeds']); g.node('Identity', ['text_raw'], ['text_embeds']);
  addLogits(g, 117.33, -12.93); // SigLIP base's learnt exp(t) and b
  g.output('logits_per_image', F, ['image_batch_size', 'text_batch_size']);
  g.output('logits_per_text', F, ['text_batch_size', 'image_batch_size']);
  g.output('text_embeds', F, ['text_batch_size', dim]);
  g.output('image_embeds', F, ['image_batch_size', dim]);
  files.onnx(dir, 'model', g.toModel());

  files.write(`${dir}/config.json`, {
    _name_or_path: 'darkroom tiny stand-in for google/siglip-base-patch16-224', architectures: ['SiglipModel'], model_type: 'siglip',
    text_config: { model_type: 'siglip_text_model', hidden_size: dim, vocab_size: tok.vocabSize, max_position_embeddings: 64, num_attention_heads: 12, num_hidden_layers: 12 },
    vision_config: { model_type: 'siglip_vision_model', hidden_size: dim, image_size: 224, patch_size: 16, num_attention_heads: 12, num_hidden_layers: 12 },
  });
  files.write(`${dir}/preprocessor_config.json`, {
    do_normalize: true, do_rescale: true, do_resize: true, image_mean: vis.mean, image_std: vis.std,
    image_processor_type: 'SiglipImageProcessor', processor_class: 'SiglipProcessor', resample: 3, rescale_factor: 0.00392156862745098, size: { height: 224, width: 224 },
  });
  files.write(`${dir}/tokenizer.json`, tok.tokenizer);
  files.write(`${dir}/tokenizer_config.json`, tok.config);
  files.write(`${dir}/special_tokens_map.json`, { eos_token: '</s>', pad_token: '</s>', unk_token: '<unk>' });
}
