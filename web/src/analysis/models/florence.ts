// Florence-2 (onnx-community/Florence-2-base-ft by default, MIT): one model, several tasks by prompt.
// `<CAPTION>` always; `<MORE_DETAILED_CAPTION>` and `<OCR>` when the library's settings ask for them.
// The vision encoder runs once per task here (transformers.js's generate() takes pixel values, not
// cached image features); the decoder dominates the time anyway.
import { AutoProcessor, Florence2ForConditionalGeneration, type ProgressInfo, type RawImage } from '@huggingface/transformers';
import type { Device } from '../protocol';

type Task = '<CAPTION>' | '<MORE_DETAILED_CAPTION>' | '<OCR>';

/** Longest answer per task, in tokens: a caption is a sentence, a description a paragraph. */
const MAX_TOKENS: Record<Task, number> = { '<CAPTION>': 30, '<MORE_DETAILED_CAPTION>': 160, '<OCR>': 200 };

export interface FlorenceResult {
  caption: string;
  detailedDescription?: string;
  ocrText?: string;
}

/** The parts of transformers.js's Florence2Processor used here (the class itself is not exported). */
interface FlorenceProcessor {
  (image: RawImage, task: string): Promise<Record<string, unknown>>;
  batch_decode(ids: unknown, options: { skip_special_tokens: boolean }): string[];
  post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
}

export const isFlorence = (id: string) => /florence-?2/i.test(id);

export async function loadFlorence(
  model: { id: string; version?: string },
  tasks: { detailedDescription: boolean; ocr: boolean },
  device: Device,
  progress_callback: (p: ProgressInfo) => void,
) {
  const revision = model.version ?? 'main';
  const florence = await Florence2ForConditionalGeneration.from_pretrained(model.id, { device, revision, progress_callback });
  const processor = (await AutoProcessor.from_pretrained(model.id, { revision, progress_callback })) as unknown as FlorenceProcessor;

  async function ask(image: RawImage, task: Task): Promise<string> {
    const inputs = await processor(image, task);
    const ids = await florence.generate({ ...inputs, max_new_tokens: MAX_TOKENS[task] } as Parameters<typeof florence.generate>[0]);
    const text = processor.batch_decode(ids, { skip_special_tokens: false })[0];
    const parsed = processor.post_process_generation(text, task, [image.height, image.width]);
    return String(parsed[task] ?? '').trim();
  }

  return async (image: RawImage, time: <T>(step: string, fn: () => Promise<T>) => Promise<T>): Promise<FlorenceResult> => {
    const caption = await time('captionMs', () => ask(image, '<CAPTION>'));
    const detailedDescription = tasks.detailedDescription ? await time('detailedMs', () => ask(image, '<MORE_DETAILED_CAPTION>')) : undefined;
    const ocrText = tasks.ocr ? await time('ocrMs', () => ask(image, '<OCR>')) : undefined;
    return { caption, ...(detailedDescription !== undefined && { detailedDescription }), ...(ocrText !== undefined && { ocrText }) };
  };
}
