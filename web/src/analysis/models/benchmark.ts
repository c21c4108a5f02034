// The device micro-benchmark (runner's device choice): the library's image embedder alone, on one
// device, timed on a synthetic photo. Run in a worker of its own, which is thrown away afterwards.
import { RawImage } from '@huggingface/transformers';
import type { AnalysisSettings } from '../../../../worker/contract/settings';
import type { Device } from '../protocol';
import { loadClip } from './clip';

const RUNS = 3;

export async function benchmarkEmbedder(model: AnalysisSettings['embedding'], device: Device): Promise<number> {
  const clip = await loadClip(model, ['photo'], device, () => {});
  // A 224×224 photo-like gradient: what the embedder sees after preprocessing, whatever the photo.
  const data = new Uint8ClampedArray(224 * 224 * 3).map((_, i) => (i * 37) % 251);
  const inputs = await clip.preprocess(new RawImage(data, 224, 224, 3));
  await clip.embed(inputs); // warm-up: shader compilation, WASM JIT
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await clip.embed(inputs);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}
