// Florence-2 base stand-in with onnx-community/Florence-2-base-ft's layout: onnx/{vision_encoder,
// embed_tokens,encoder_model,decoder_model_merged}.onnx with the real input/output names, config.json
// (florence2 + florence2_language, 6 decoder layers), generation_config.json and a preprocessor_config.json
// carrying the task prompts, for Florence2ForConditionalGeneration + AutoProcessor.
//
// How it answers: embed_tokens is one-hot over the vocabulary; the vision encoder writes the image's
// palette weights (colour.mjs) into 577 image tokens; the encoder passes everything through. The decoder
// sums the encoder states to learn (a) which task prompt was given (one word per prompt is distinctive)
// and (b) the dominant colour, reads its step number from the KV cache length, and emits that task's
// script token by token, filling the colour slots. So a red photo gives
//   <CAPTION> "A red photo."   <DETAILED_CAPTION> "The image shows a red photo."
//   <MORE_DETAILED_CAPTION> "The image shows a red photo. It is mostly red, with a plain background and no other objects."
//   <OCR> "RED"
import { A, DT, Graph, randn } from './onnx-writer.mjs';
import { COLOURS, K, meanRgb, paletteWeights } from './colour.mjs';
import { bartTokenizer } from './tokenizers.mjs';

const F = DT.FLOAT, I64 = DT.INT64;
const IMAGE_TOKENS = 577; // 24×24 patches + 1 pooled token at 768×768, as Florence-2's DaViT gives
const LAYERS = 6, HEADS = 12, STEPS = 96;

export const TASK_PROMPTS = {
  '<CAPTION>': 'What does the image describe?',
  '<DETAILED_CAPTION>': 'Describe in detail what is shown in the image.',
  '<MORE_DETAILED_CAPTION>': 'Describe with a paragraph what is shown in the image.',
  '<OCR>': 'What is the text in the image?',
};
// The one word that tells each prompt apart, and what the task answers (C = colour word, U = COLOUR).
const split = (text) => text.replace(/([?.,])/g, ' $1').split(' ').filter(Boolean).map((w, i) => (i === 0 || /^([?.,]|C)$/.test(w) ? w : `Ġ${w}`));
const TASKS = [
  ['Ġdescribe', split('A C photo.')],
  ['Ġdetail', split('The image shows a C photo.')],
  ['Ġparagraph', split('The image shows a C photo. It is mostly C, with a plain background and no other objects.')],
  ['Ġtext', ['U']],
];
// The bench variant answers at about the real model's lengths (~12, ~80 and a few tokens), so decoding
// costs what it does in real use; no 3-gram repeats, as generation_config forbids them.
const LONG_TASKS = [
  ['Ġdescribe', split('A C photo of a plain scene, taken indoors.')],
  TASKS[1],
  ['Ġparagraph', split('The image shows a C photo. It is mostly C, with a plain background and no other objects. The colour fills the whole frame evenly from one edge to the other, without any visible texture, pattern or shadow. There are no people, animals, buildings or text in the picture, and the lighting appears soft and uniform across the entire surface of the image.')],
  TASKS[3],
];

function words(tasks) {
  const fromPrompts = Object.values(TASK_PROMPTS).flatMap(split);
  const fromScripts = tasks.flatMap(([, script]) => script).filter((w) => w !== 'C' && w !== 'U');
  const colours = COLOURS.flatMap(([c]) => [`Ġ${c}`, c.toUpperCase()]);
  return [...new Set([...fromPrompts, ...fromScripts, ...colours])];
}

export function makeFlorence(files, dir, { dim = 0, headDim = 2, cost = {}, suffixes, long = false } = {}) {
  const tasks = long ? LONG_TASKS : TASKS;
  const tok = bartTokenizer(words(tasks));
  const V = tok.vocabSize, D = Math.max(V + K, dim); // token one-hots, then palette weights (then zeros)
  const T = TASKS.length;
  const finish = (g, kind, value, out) => (cost[kind] ? cost[kind](g, value, out) : g.node('Identity', [value], [out]));

  // embed_tokens.onnx: input_ids → inputs_embeds
  let g = new Graph('embed_tokens');
  g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  const E = new Float32Array(V * D); for (let i = 0; i < V; i++) E[i * D + i] = 1;
  g.f32('embed', [V, D], E);
  finish(g, 'embed', g.node('Gather', ['embed', 'input_ids'], 1, { axis: A.i(0) }), 'inputs_embeds');
  g.output('inputs_embeds', F, ['batch_size', 'sequence_length', D]);
  files.onnx(dir, 'embed_tokens', g.toModel(), suffixes);

  // vision_encoder.onnx: pixel_values → image_features [b,577,D]
  const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
  g = new Graph('vision_encoder');
  g.input('pixel_values', F, ['batch_size', 3, 'height', 'width']);
  const w = paletteWeights(g, meanRgb(g, 'pixel_values', { mean, std })); // [b,K]
  const P = new Float32Array(K * D); for (let k = 0; k < K; k++) P[k * D + V + k] = 1;
  g.f32('palette_to_features', [K, D], P);
  g.i64('axis_1', [1], [1]);
  const feature = g.node('Unsqueeze', [g.node('MatMul', [w, 'palette_to_features']), 'axis_1']); // [b,1,D]
  g.f32('ones_tokens', [1, IMAGE_TOKENS, 1], new Float32Array(IMAGE_TOKENS).fill(1));
  finish(g, 'vision', g.node('Mul', [feature, 'ones_tokens']), 'image_features');
  g.output('image_features', F, ['batch_size', IMAGE_TOKENS, D]);
  files.onnx(dir, 'vision_encoder', g.toModel(), suffixes);

  // encoder_model.onnx: masked identity
  g = new Graph('encoder_model');
  g.input('attention_mask', I64, ['batch_size', 'encoder_sequence_length']);
  g.input('inputs_embeds', F, ['batch_size', 'encoder_sequence_length', D]);
  g.i64('axis_m1', [1], [-1]);
  const m = g.node('Unsqueeze', [g.node('Cast', ['attention_mask'], 1, { to: A.i(F) }), 'axis_m1']);
  finish(g, 'encoder', g.node('Mul', ['inputs_embeds', m]), 'last_hidden_state');
  g.output('last_hidden_state', F, ['batch_size', 'encoder_sequence_length', D]);
  files.onnx(dir, 'encoder_model', g.toModel(), suffixes);

  files.onnx(dir, 'decoder_model_merged', decoder(tok, tasks, V, D, T, headDim, (g, value, out) => finish(g, 'decoder', value, out)), suffixes);

  files.write(`${dir}/config.json`, {
    _name_or_path: 'darkroom tiny stand-in for microsoft/Florence-2-base-ft', architectures: ['Florence2ForConditionalGeneration'], model_type: 'florence2',
    bos_token_id: 0, eos_token_id: 2, pad_token_id: 1, ignore_index: -100, projection_dim: 768, is_encoder_decoder: true, vocab_size: V,
    text_config: {
      model_type: 'florence2_language', vocab_size: V, d_model: 768, encoder_layers: LAYERS, decoder_layers: LAYERS,
      encoder_attention_heads: HEADS, decoder_attention_heads: HEADS, encoder_ffn_dim: 3072, decoder_ffn_dim: 3072,
      bos_token_id: 0, pad_token_id: 1, eos_token_id: 2, decoder_start_token_id: 2, forced_bos_token_id: 0, forced_eos_token_id: 2,
      is_encoder_decoder: true, max_position_embeddings: 1024, no_repeat_ngram_size: 3, num_beams: 3, scale_embedding: false,
    },
    vision_config: { model_type: 'davit', depths: [1, 1, 9, 1], dim_embed: [128, 256, 512, 1024], num_heads: [4, 8, 16, 32], window_size: 12, projection_dim: 768, image_feature_source: ['spatial_avg_pool', 'temporal_avg_pool'] },
  });
  files.write(`${dir}/generation_config.json`, {
    bos_token_id: 0, decoder_start_token_id: 2, eos_token_id: 2, forced_bos_token_id: 0, forced_eos_token_id: 2,
    no_repeat_ngram_size: 3, num_beams: 3, pad_token_id: 1,
  });
  files.write(`${dir}/preprocessor_config.json`, {
    processor_class: 'Florence2Processor', image_processor_type: 'CLIPImageProcessor',
    do_resize: true, size: { height: 768, width: 768 }, crop_size: { height: 768, width: 768 }, do_center_crop: false,
    do_rescale: true, rescale_factor: 0.00392156862745098, do_normalize: true, image_mean: mean, image_std: std, resample: 3, do_convert_rgb: null,
    image_seq_length: IMAGE_TOKENS,
    tasks_answer_post_processing_type: {
      '<OCR>': 'pure_text', '<OCR_WITH_REGION>': 'ocr', '<CAPTION>': 'pure_text', '<DETAILED_CAPTION>': 'pure_text', '<MORE_DETAILED_CAPTION>': 'pure_text',
      '<OD>': 'description_with_bboxes', '<DENSE_REGION_CAPTION>': 'description_with_bboxes', '<CAPTION_TO_PHRASE_GROUNDING>': 'phrase_grounding',
      '<REGION_PROPOSAL>': 'bboxes', '<REGION_TO_CATEGORY>': 'pure_text', '<REGION_TO_DESCRIPTION>': 'pure_text',
    },
    task_prompts_without_inputs: {
      ...TASK_PROMPTS, '<OCR_WITH_REGION>': 'What is the text in the image, with regions?', '<OD>': 'Locate the objects with category name in the image.',
      '<DENSE_REGION_CAPTION>': 'Locate the objects in the image, with their descriptions.', '<REGION_PROPOSAL>': 'Locate the region proposals in the image.',
    },
    task_prompts_with_input: {
      '<CAPTION_TO_PHRASE_GROUNDING>': 'Locate the phrases in the caption: {input}', '<REGION_TO_CATEGORY>': 'What is the region {input}?',
      '<REGION_TO_DESCRIPTION>': 'What does the region {input} describe?',
    },
  });
  files.write(`${dir}/tokenizer.json`, tok.tokenizer);
  files.write(`${dir}/tokenizer_config.json`, tok.config);
  files.write(`${dir}/special_tokens_map.json`, { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>', cls_token: '<s>', sep_token: '</s>', mask_token: '<mask>' });
}

// decoder_model_merged.onnx: inputs_embeds (the current token), encoder_hidden_states,
// encoder_attention_mask, past_key_values.{0..5}.{decoder,encoder}.{key,value}, use_cache_branch
//   → logits, present.*
function decoder(tok, TASKS, V, D, T, HEAD_DIM, finish) {
  const g = new Graph('decoder_model_merged');
  g.input('encoder_attention_mask', I64, ['batch_size', 'encoder_sequence_length']);
  g.input('encoder_hidden_states', F, ['batch_size', 'encoder_sequence_length', D]);
  g.input('inputs_embeds', F, ['batch_size', 'decoder_sequence_length', D]);
  for (let l = 0; l < LAYERS; l++) for (const part of ['decoder', 'encoder']) for (const kv of ['key', 'value'])
    g.input(`past_key_values.${l}.${part}.${kv}`, F, ['batch_size', HEADS, part === 'decoder' ? 'past_decoder_sequence_length' : 'encoder_sequence_length_out', HEAD_DIM]);
  g.input('use_cache_branch', DT.BOOL, [1]);

  // (a) task and (b) colour from the masked sum of the encoder states
  g.i64('axis_1', [1], [1]); g.i64('axis_m1', [1], [-1]);
  const em = g.node('Unsqueeze', [g.node('Cast', ['encoder_attention_mask'], 1, { to: A.i(F) }), 'axis_m1']);
  const summed = g.node('ReduceSum', [g.node('Mul', ['encoder_hidden_states', em]), 'axis_1'], 1, { keepdims: A.i(0) }); // [b,D]
  const Wt = new Float32Array(D * T); TASKS.forEach(([word], t) => { Wt[tok.id(word) * T + t] = 1; });
  g.f32('task_head', [D, T], Wt);
  const task = g.node('MatMul', [summed, 'task_head']); // [b,T] one-hot (zeros for an unknown prompt)
  const Wc = new Float32Array(D * K); for (let k = 0; k < K; k++) Wc[(V + k) * K + k] = 1 / IMAGE_TOKENS;
  g.f32('colour_head', [D, K], Wc);
  const colour = g.node('MatMul', [summed, 'colour_head']); // [b,K] palette weights

  // step number = length of the decoder KV cache, clipped to the script length
  const len = g.node('Gather', [g.node('Shape', ['past_key_values.0.decoder.key']), 'axis_2_scalar'], 1, { axis: A.i(0) });
  g.i64('axis_2_scalar', [], [2]); g.i64('last_step', [], [STEPS - 1]);
  const step = g.node('Min', [len, 'last_step']);

  // scripts[t, step, :] = logits of the token to emit; slots[t, step, f] = colour slot of family f
  const scripts = new Float32Array(T * STEPS * V), slots = new Float32Array(T * STEPS * 2);
  TASKS.forEach(([, script], t) => {
    const seq = ['<s>', ...script, '</s>'];
    for (let s = 0; s < STEPS; s++) {
      const w = seq[s] ?? '</s>';
      if (w === 'C' || w === 'U') slots[(t * STEPS + s) * 2 + (w === 'C' ? 0 : 1)] = 1;
      else scripts[(t * STEPS + s) * V + tok.id(w)] = 10;
    }
  });
  g.f32('scripts', [T, STEPS, V], scripts); g.f32('slots', [T, STEPS, 2], slots);
  const row = g.node('MatMul', [task, g.node('Gather', ['scripts', step], 1, { axis: A.i(1) })]); // [b,V]
  const slot = g.node('MatMul', [task, g.node('Gather', ['slots', step], 1, { axis: A.i(1) })]); // [b,2]
  // colour word of each family: [K, 2·V] → per-family logits, gated by the slot
  const fam = new Float32Array(K * 2 * V);
  COLOURS.forEach(([c], k) => { fam[k * 2 * V + tok.id(`Ġ${c}`)] = 20; fam[k * 2 * V + V + tok.id(c.toUpperCase())] = 20; });
  g.f32('colour_words', [K, 2 * V], fam); g.i64('shape_b2v', [3], [0, 2, V]);
  const perFamily = g.node('Reshape', [g.node('MatMul', [colour, 'colour_words']), 'shape_b2v']); // [b,2,V]
  const coloured = g.node('ReduceSum', [g.node('Mul', [perFamily, g.node('Unsqueeze', [slot, 'axis_m1'])]), 'axis_1'], 1, { keepdims: A.i(0) }); // [b,V]
  const eos = new Float32Array(V); eos[2] = 1; g.f32('eos_bias', [V], eos); // an unknown prompt ends at once
  let logits = g.node('Add', [g.node('Add', [row, coloured]), 'eos_bias']); // [b,V]
  // one row per decoder position (only the last is used in generation)
  const zeros = g.node('Mul', [g.node('ReduceSum', ['inputs_embeds', 'axis_m1'], 1, { keepdims: A.i(1) }), 'zero']); // [b,s,1]
  g.f32('zero', [], [0]);
  const branch = g.node('Mul', [g.node('Cast', ['use_cache_branch'], 1, { to: A.i(F) }), 'zero']); // declared like the real one
  finish(g, g.node('Add', [g.node('Add', [g.node('Unsqueeze', [logits, 'axis_1']), zeros]), branch]), 'logits');
  g.output('logits', F, ['batch_size', 'decoder_sequence_length', V]);

  // KV cache: decoder = concat(past, proj(current)), encoder = proj(encoder states)
  g.i64('shape_kv', [4], [0, 0, HEADS, HEAD_DIM]);
  for (let l = 0; l < LAYERS; l++) for (const part of ['decoder', 'encoder']) for (const [k, kv] of ['key', 'value'].entries()) {
    const src = part === 'decoder' ? 'inputs_embeds' : 'encoder_hidden_states';
    let proj = src; // when the width already is heads × head_dim (the bench variant), a free reshape
    if (D !== HEADS * HEAD_DIM) {
      const wName = `kv.${l}.${part}.${kv}`;
      g.f32(wName, [D, HEADS * HEAD_DIM], randn(D * HEADS * HEAD_DIM, 300 + l * 4 + k * 2 + (part === 'encoder'), 0.1));
      proj = g.node('MatMul', [src, wName]);
    }
    const h = g.node('Transpose', [g.node('Reshape', [proj, 'shape_kv'])], 1, { perm: A.ints([0, 2, 1, 3]) });
    const name = `present.${l}.${part}.${kv}`;
    if (part === 'decoder') g.node('Concat', [`past_key_values.${l}.decoder.${kv}`, h], [name], { axis: A.i(2) });
    else g.node('Identity', [h], [name]);
    g.output(name, F, ['batch_size', HEADS, part === 'decoder' ? 'past_decoder_sequence_length + 1' : 'encoder_sequence_length_out', HEAD_DIM]);
  }
  return g.toModel();
}
