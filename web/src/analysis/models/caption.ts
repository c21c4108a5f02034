// Captions: a transformers.js image-to-text pipeline (a ViT-GPT2 captioner by default).
import { pipeline, type ImageToTextPipeline, type ProgressInfo, type RawImage } from '@huggingface/transformers';
import type { Device } from '../protocol';

export type Captioner = (image: RawImage) => Promise<string>;

export async function loadCaptioner(model: string, device: Device, progress_callback: (p: ProgressInfo) => void): Promise<Captioner> {
  const captioner = (await pipeline('image-to-text', model, { device, progress_callback })) as ImageToTextPipeline;
  return async (image) => {
    const out = (await captioner(image, { max_new_tokens: 30 })) as Array<{ generated_text: string }>;
    return out[0]?.generated_text.trim() ?? '';
  };
}
