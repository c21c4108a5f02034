// Background removal with a transformers.js 'background-removal' pipeline (BiRefNet, ISNet and MODNet
// are all image-segmentation models to it); the mask becomes the image's alpha channel.
import { pipeline, RawImage, type ProgressInfo } from '@huggingface/transformers';
import type { Device } from '../analysis/protocol';

export type Cutout = (pixels: ImageData) => Promise<ImageData>;

export async function loadBackgroundRemover(repo: string, device: Device, progress_callback: (p: ProgressInfo) => void): Promise<Cutout> {
  const segmenter = await pipeline('background-removal', repo, { device, progress_callback });
  return async (pixels) => {
    const image = new RawImage(pixels.data, pixels.width, pixels.height, 4);
    const out = (await segmenter(image)) as RawImage | RawImage[];
    const cut = Array.isArray(out) ? out[0] : out;
    return new ImageData(new Uint8ClampedArray(cut.data), cut.width, cut.height);
  };
}
