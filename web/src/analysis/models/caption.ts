// Captions: Florence-2 (florence.ts: caption, detailed description, OCR) when the library's captioner is
// one, else a transformers.js image-to-text pipeline (the light ViT-GPT2 captioner).
import { pipeline, type ImageToTextPipeline, type ProgressInfo, type RawImage } from '@huggingface/transformers';
import type { AnalysisSettings } from '../../../../worker/contract/settings';
import type { Device } from '../protocol';
import { isFlorence, loadFlorence, type FlorenceResult } from './florence';
import { processorSide, type Timer } from './runtime';

export interface Captioner {
  /** The photo's shortest side the captioner needs. */
  side: number;
  run(image: RawImage, time: Timer): Promise<Partial<FlorenceResult>>;
}

export async function loadCaptioner(models: AnalysisSettings, device: Device, progress_callback: (p: ProgressInfo) => void): Promise<Captioner> {
  const { caption: model } = models;
  if (isFlorence(model.id)) return loadFlorence(model, models, device, progress_callback);
  const captioner = (await pipeline('image-to-text', model.id, { device, revision: model.version ?? 'main', progress_callback })) as ImageToTextPipeline;
  return {
    side: processorSide(captioner.processor),
    async run(image, time) {
      const out = (await time('captionMs', () => captioner(image, { max_new_tokens: 30 }))) as Array<{ generated_text: string }>;
      return { caption: out[0]?.generated_text.trim() ?? '' };
    },
  };
}
