// The light captioner: Xenova/vit-gpt2-image-captioning layout (VisionEncoderDecoder: ViT encoder +
// GPT-2 decoder_model_merged with a real KV cache), for pipeline('image-to-text'). Greedy decoding
// yields "a photo of a <red|green|blue> thing" after the dominant colour channel.
import { A, DT, Graph, randn } from './onnx-writer.mjs';
import { gpt2Tokenizer } from './tokenizers.mjs';

const F = DT.FLOAT, I64 = DT.INT64;

export function makeCaptioner(files, dir, { layers = 2, heads = 2, headDim = 4 } = {}) {
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
  // After " a" the three colour words lead every other token (0 vs -5) and the colour head below, which
  // adds the mean of each normalised channel (-1..1), picks among them: a dark or greyish photo still
  // gets its dominant channel's word instead of ending the caption at "a photo of a".
  for (let c = 0; c < 3; c++) T[4 * V + 5 + c] = 0;
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

  files.onnx(dir, 'encoder_model', encoder);
  files.onnx(dir, 'decoder_model_merged', decoder);
  files.write(`${dir}/config.json`, {
    _name_or_path: 'darkroom tiny stand-in for nlpconnect/vit-gpt2-image-captioning', architectures: ['VisionEncoderDecoderModel'], model_type: 'vision-encoder-decoder',
    is_encoder_decoder: true, tie_word_embeddings: false, decoder_start_token_id: 0, bos_token_id: 0, eos_token_id: 0, pad_token_id: 0,
    encoder: { model_type: 'vit', hidden_size: ENC, image_size: 224, patch_size: 32, num_channels: 3, num_attention_heads: heads, num_hidden_layers: 1 },
    decoder: { model_type: 'gpt2', n_embd: HD, n_head: heads, n_layer: layers, n_positions: 64, vocab_size: V, bos_token_id: 0, eos_token_id: 0, add_cross_attention: true, is_decoder: true },
  });
  files.write(`${dir}/generation_config.json`, { bos_token_id: 0, decoder_start_token_id: 0, eos_token_id: 0, pad_token_id: 0, max_length: 16 });
  files.write(`${dir}/preprocessor_config.json`, {
    do_normalize: true, do_rescale: true, do_resize: true, feature_extractor_type: 'ViTFeatureExtractor', image_processor_type: 'ViTImageProcessor',
    image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], resample: 2, rescale_factor: 0.00392156862745098, size: { height: 224, width: 224 },
  });
  files.write(`${dir}/tokenizer.json`, tok.tokenizer);
  files.write(`${dir}/tokenizer_config.json`, tok.config);
}
