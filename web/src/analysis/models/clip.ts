// Image embeddings for search, and zero-shot tags scored against the text embeddings of a vocabulary,
// which are computed once per load. CLIP (image_embeds/text_embeds) by default; SigLIP (pooler_output,
// text padded to its fixed length) when the library's embedding model is one.
import {
  AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, SiglipTextModel, SiglipVisionModel,
  type PreTrainedTokenizer, type ProgressInfo, type RawImage, type Tensor,
} from '@huggingface/transformers';
import type { Analysis, Device } from '../protocol';
import { l2normalize, processorSide } from './runtime';

/** At most this many tags, each with at least this probability. */
const MAX_TAGS = 5;
const MIN_TAG_SCORE = 0.05;

const isSiglip = (id: string) => /siglip/i.test(id);

export async function loadClip(model: { id: string; version?: string }, vocabulary: string[], device: Device, progress_callback: (p: ProgressInfo) => void) {
  const siglip = isSiglip(model.id);
  const opts = { revision: model.version ?? 'main', progress_callback };
  const Vision = siglip ? SiglipVisionModel : CLIPVisionModelWithProjection;
  const Text = siglip ? SiglipTextModel : CLIPTextModelWithProjection;
  const processor = await AutoProcessor.from_pretrained(model.id, opts);
  const vision = await Vision.from_pretrained(model.id, { ...opts, device });
  const tokenizer = (await AutoTokenizer.from_pretrained(model.id, opts)) as PreTrainedTokenizer;
  const textModel = await Text.from_pretrained(model.id, { ...opts, device });
  const text = tokenizer(vocabulary.map((t) => `a photo of ${t}`), { padding: siglip ? 'max_length' : true, truncation: true });
  const out = (await textModel(text)) as Record<string, Tensor>;
  const text_embeds = out[siglip ? 'pooler_output' : 'text_embeds'];
  const dims = text_embeds.dims[1];
  const tagEmbeds = vocabulary.map((_, i) => Float32Array.from(l2normalize((text_embeds.data as Float32Array).subarray(i * dims, (i + 1) * dims))));

  return {
    /** The photo's shortest side the vision model needs. */
    side: processorSide(processor),
    preprocess: (image: RawImage) => processor(image),
    async embed(inputs: Awaited<ReturnType<typeof processor>>): Promise<number[]> {
      const out = (await vision(inputs)) as Record<string, Tensor>;
      return l2normalize(out[siglip ? 'pooler_output' : 'image_embeds'].data as Float32Array);
    },
    tags(embedding: number[]): Analysis['tags'] {
      // Cosine similarity × CLIP's logit scale (100), softmax over the vocabulary.
      const logits = tagEmbeds.map((te) => 100 * te.reduce((s, v, i) => s + v * embedding[i], 0));
      const max = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return vocabulary
        .map((label, i) => ({ label, score: Math.round((exp[i] / sum) * 1000) / 1000 }))
        .sort((a, b) => b.score - a.score)
        .filter((tag, i) => i < MAX_TAGS && tag.score >= MIN_TAG_SCORE);
    },
  };
}

export type Clip = Awaited<ReturnType<typeof loadClip>>;

/**
 * The text half of the library's embedding model alone, for search queries typed in the browser: the same
 * model, revision and output as loadClip's, so a query lands in the space of the photos' image embeddings.
 */
export async function loadClipText(model: { id: string; version?: string }, device: Device, progress_callback: (p: ProgressInfo) => void) {
  const siglip = isSiglip(model.id);
  const opts = { revision: model.version ?? 'main', progress_callback };
  const tokenizer = (await AutoTokenizer.from_pretrained(model.id, opts)) as PreTrainedTokenizer;
  const textModel = await (siglip ? SiglipTextModel : CLIPTextModelWithProjection).from_pretrained(model.id, { ...opts, device });
  return async (text: string): Promise<number[]> => {
    const out = (await textModel(tokenizer([text], { padding: siglip ? 'max_length' : true, truncation: true }))) as Record<string, Tensor>;
    return l2normalize(out[siglip ? 'pooler_output' : 'text_embeds'].data as Float32Array);
  };
}
