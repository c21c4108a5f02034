import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../../worker/contract/settings';
import { submission } from './submission';

describe('submission', () => {
  it('names the library\'s models with their versions and cuts texts to what the server accepts', () => {
    const result = { caption: 'c'.repeat(600), detailedDescription: 'd'.repeat(5000), embedding: { dims: 2, values: [0.6, 0.8] }, tags: [], timings: { totalMs: 1 } };
    const s = submission('lease-1', DEFAULT_ANALYSIS_SETTINGS, result, { backend: 'wasm' });
    expect(s.models).toEqual({
      caption: { id: 'onnx-community/Florence-2-base-ft', version: 'main' },
      embedding: { id: 'Xenova/clip-vit-base-patch32', version: 'main' },
      faces: { id: 'opencv/face_detection_yunet', version: '2023mar' },
      faceEmbedding: { id: 'opencv/face_recognition_sface', version: '2021dec' },
    });
    expect(s.caption).toHaveLength(500);
    expect(s.detailedDescription).toHaveLength(4000);
    expect(s.ocrText).toBeUndefined();
    expect(s.lease).toBe('lease-1');
  });

  it('leaves out the version of a self-hosted folder that has none', () => {
    const models = { ...DEFAULT_ANALYSIS_SETTINGS, caption: { id: 'tiny/vit-gpt2-image-captioning' } };
    const s = submission('l', models, { embedding: { dims: 1, values: [1] }, tags: [], timings: {} }, { backend: 'webgpu' });
    expect(s.models.caption).toEqual({ id: 'tiny/vit-gpt2-image-captioning' });
  });
});
