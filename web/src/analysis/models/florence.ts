// Florence-2 (onnx-community/Florence-2-base-ft by default, MIT): one model, several tasks by prompt.
// `<CAPTION>` always; `<MORE_DETAILED_CAPTION>` and `<OCR>` when the library's settings ask for them.
// The photo is preprocessed and run through the vision encoder once; each task then only embeds its
// prompt, joins it to those image features and generates (transformers.js's own processor(image, task) +
// generate() would preprocess and encode the photo again for every task).
import { AutoProcessor, Florence2ForConditionalGeneration, type ProgressInfo, type RawImage, type Tensor } from '@huggingface/transformers';
import type { Device } from '../protocol';
import { processorSide, type Timer } from './runtime';

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
  image_processor: ((image: RawImage) => Promise<{ pixel_values: Tensor }>) & { config: Record<string, unknown> };
  tokenizer: (text: string[], options: Record<string, unknown>) => { input_ids: Tensor; attention_mask: Tensor };
  construct_prompts(task: string): string[];
  batch_decode(ids: unknown, options: { skip_special_tokens: boolean }): string[];
  post_process_generation(text: string, task: string, size: [number, number]): Record<string, unknown>;
}

/** The parts of Florence2ForConditionalGeneration used to run the vision encoder once per photo. */
interface FlorenceModel {
  encode_image(inputs: { pixel_values: Tensor }): Promise<Tensor>;
  encode_text(inputs: { input_ids: Tensor }): Promise<Tensor>;
  _merge_input_ids_with_image_features(inputs: { inputs_embeds: Tensor; image_features: Tensor; input_ids: Tensor; attention_mask: Tensor }): { inputs_embeds: Tensor; attention_mask: Tensor };
  generate(inputs: Record<string, unknown>): Promise<unknown>;
}

export const isFlorence = (id: string) => /florence-?2/i.test(id);

export async function loadFlorence(
  model: { id: string; version?: string },
  tasks: { detailedDescription: boolean; ocr: boolean },
  device: Device,
  progress_callback: (p: ProgressInfo) => void,
) {
  const revision = model.version ?? 'main';
  const florence = (await Florence2ForConditionalGeneration.from_pretrained(model.id, { device, revision, progress_callback })) as unknown as FlorenceModel;
  const processor = (await AutoProcessor.from_pretrained(model.id, { revision, progress_callback })) as unknown as FlorenceProcessor;

  async function ask(image: RawImage, features: Tensor, task: Task): Promise<string> {
    const prompt = processor.tokenizer(processor.construct_prompts(task), {});
    const joined = florence._merge_input_ids_with_image_features({ inputs_embeds: await florence.encode_text(prompt), image_features: features, ...prompt });
    const ids = await florence.generate({ ...joined, max_new_tokens: MAX_TOKENS[task] });
    const text = processor.batch_decode(ids, { skip_special_tokens: false })[0];
    const parsed = processor.post_process_generation(text, task, [image.height, image.width]);
    return String(parsed[task] ?? '').trim();
  }

  return {
    /** The photo's shortest side this model needs (its processor's input size). */
    side: processorSide(processor),
    async run(image: RawImage, time: Timer): Promise<FlorenceResult> {
      const { pixel_values } = await time('captionPreprocessMs', () => processor.image_processor(image));
      const features = await time('visionMs', () => florence.encode_image({ pixel_values }));
      const caption = await time('captionMs', () => ask(image, features, '<CAPTION>'));
      const detailedDescription = tasks.detailedDescription ? await time('detailedMs', () => ask(image, features, '<MORE_DETAILED_CAPTION>')) : undefined;
      const ocrText = tasks.ocr ? await time('ocrMs', () => ask(image, features, '<OCR>')) : undefined;
      return { caption, ...(detailedDescription !== undefined && { detailedDescription }), ...(ocrText !== undefined && { ocrText }) };
    },
  };
}
