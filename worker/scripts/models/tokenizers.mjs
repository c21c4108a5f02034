// Hand-made tokenizer.json files in the HF `tokenizers` format, of the same model type as the real
// ones (CLIP and GPT-2/BART byte-level BPE, SigLIP Unigram/SentencePiece), with a small vocabulary.
import { COLOURS } from './colour.mjs';

const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

/** BPE vocab and merges under which every given word is one token: merges are added until the
 *  standard BPE procedure (lowest-rank pair first) turns each word into a single symbol. */
function bpe(words, vocab = {}, { eow = '' } = {}) {
  const merges = [];
  const rank = new Map();
  const add = (t) => { if (!(t in vocab)) vocab[t] = Object.keys(vocab).length; };
  const symbols = (w) => { const sym = [...w]; if (eow) sym[sym.length - 1] += eow; return sym; };
  const encode = (sym) => {
    for (;;) {
      let best = -1;
      for (let i = 0; i < sym.length - 1; i++) {
        const r = rank.get(`${sym[i]} ${sym[i + 1]}`);
        if (r !== undefined && (best < 0 || r < rank.get(`${sym[best]} ${sym[best + 1]}`))) best = i;
      }
      if (best < 0) return sym;
      sym.splice(best, 2, sym[best] + sym[best + 1]);
    }
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const w of words) {
      const sym = encode(symbols(w));
      sym.forEach(add);
      if (sym.length === 1) continue;
      changed = true;
      let cur = sym[0]; // join what is left, left to right, with new (lowest-priority) merges
      for (let k = 1; k < sym.length; k++) {
        const m = `${cur} ${sym[k]}`;
        if (!rank.has(m)) { rank.set(m, merges.length); merges.push(m); }
        cur += sym[k]; add(cur);
      }
    }
  }
  return { vocab, merges };
}

const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

export const CLIP_WORDS = ['a', 'photo', 'of', 'the', 'this', 'is', 'cat', 'dog', 'person', 'face', 'beach', 'mountain', 'car',
  'food', 'thing', 'picture', 'sunset', 'snow', 'city', 'tree', 'night', 'an', 'image', ...COLOURS.map(([c]) => c)];

export function clipTokenizer() {
  const { vocab, merges } = bpe([...new Set(CLIP_WORDS)], {}, { eow: '</w>' });
  const bos = Object.keys(vocab).length, eos = bos + 1;
  vocab['<|startoftext|>'] = bos; vocab['<|endoftext|>'] = eos;
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(bos, '<|startoftext|>'), special(eos, '<|endoftext|>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eos], cls: ['<|startoftext|>', bos], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const config = { tokenizer_class: 'CLIPTokenizer', model_max_length: 77, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>', do_lower_case: true, clean_up_tokenization_spaces: false, add_prefix_space: false };
  return { tokenizer, config, vocabSize: eos + 1, bos, eos, ids: vocab, word: (w) => vocab[`${w}</w>`] };
}

// GPT-2 byte-level BPE for the captioner. The first ids are fixed so the decoder weights can target them.
export const CAP = ['<|endoftext|>', 'a', 'Ġphoto', 'Ġof', 'Ġa', 'Ġred', 'Ġgreen', 'Ġblue', 'Ġthing'];
export function gpt2Tokenizer() {
  const { vocab, merges } = bpe(CAP.slice(1), Object.fromEntries(CAP.map((t, i) => [t, i])));
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<|endoftext|>')],
    normalizer: null, pre_tokenizer: byteLevel,
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const config = { tokenizer_class: 'GPT2Tokenizer', model_max_length: 1024, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: '<|endoftext|>', add_prefix_space: false };
  return { tokenizer, config, vocabSize: Object.keys(vocab).length };
}

/** BART byte-level BPE (Florence-2): <s>=0 <pad>=1 </s>=2 <unk>=3, whole words next. */
export function bartTokenizer(words) {
  const vocab = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  for (const w of words) if (!(w in vocab)) vocab[w] = Object.keys(vocab).length; // stable ids for whole words
  const { merges } = bpe(words, vocab);
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<s>'), special(1, '<pad>'), special(2, '</s>'), special(3, '<unk>')],
    normalizer: null, pre_tokenizer: byteLevel,
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const config = { tokenizer_class: 'BartTokenizer', model_max_length: 1024, bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>', cls_token: '<s>', sep_token: '</s>', mask_token: '<mask>', add_prefix_space: false };
  return { tokenizer, config, vocab, vocabSize: Object.keys(vocab).length, id: (w) => vocab[w] };
}

/** SigLIP: SentencePiece Unigram with Metaspace ('▁'), padded to 64 tokens like the real one. */
export function siglipTokenizer() {
  const pieces = [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ['▁', -3]];
  const words = [...new Set(CLIP_WORDS)];
  const chars = [...new Set(words.join(''))].sort();
  for (const c of chars) pieces.push([c, -10], [`▁${c}`, -9]);
  for (const w of words) pieces.push([`▁${w}`, -2]);
  const ids = Object.fromEntries(pieces.map(([p], i) => [p, i]));
  const tokenizer = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '<pad>'), special(1, '</s>'), special(2, '<unk>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Lowercase' }, { type: 'Replace', pattern: { Regex: '[^\\p{L}\\p{N}\\s]' }, content: '' }] },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: { type: 'TemplateProcessing', single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } } },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: { type: 'Unigram', unk_id: 2, vocab: pieces, byte_fallback: false },
  };
  const config = { tokenizer_class: 'SiglipTokenizer', model_max_length: 64, eos_token: '</s>', pad_token: '</s>', unk_token: '<unk>', do_lower_case: true, add_eos_token: true };
  return { tokenizer, config, vocabSize: pieces.length, ids, word: (w) => ids[`▁${w}`], pad: 1 };
}
