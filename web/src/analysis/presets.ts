// The model sets the analysis tab offers: real models, the generated tiny stand-ins, and the benchmark's.
import type { ModelConfig } from './protocol';

// Words the tiny test models know, and sensible tags for real photos too.
const VOCABULARY = ['person', 'face', 'dog', 'cat', 'beach', 'mountain', 'city', 'tree', 'snow', 'sunset', 'night', 'food', 'car', 'red', 'green', 'blue'];

export const PRESETS: Record<'default' | 'tiny' | 'bench', ModelConfig> = {
  // Real models. Sizes are the q8 ONNX files transformers.js loads on WASM.
  //  - Xenova/vit-gpt2-image-captioning (Apache-2.0, ~240 MB): captions
  //  - Xenova/clip-vit-base-patch32 (MIT, ~88 MB vision + ~64 MB text): embeddings (512-d) and tags
  //  - opencv/yunet-sface (YuNet detector MIT 0.2 MB, SFace embedder Apache-2.0 37 MB; import with
  //    `npm run models:import`): faces. InsightFace SCRFD/ArcFace are avoided: non-commercial licence.
  default: {
    host: 'self', hubUrl: 'https://huggingface.co/',
    caption: 'Xenova/vit-gpt2-image-captioning', clip: 'Xenova/clip-vit-base-patch32', faces: 'opencv/yunet-sface', tags: VOCABULARY,
  },
  // Generated stand-ins with the same layout and input/output names (npm run models:tiny).
  tiny: {
    host: 'self', hubUrl: 'https://huggingface.co/',
    caption: 'tiny/vit-gpt2-image-captioning', clip: 'tiny/clip-vit-base-patch32', faces: 'tiny/face', tags: VOCABULARY,
  },
  // bench:analysis: CLIP with the compute of ViT-B/32 vision, nothing else, to weigh model time against overhead.
  bench: {
    host: 'self', hubUrl: 'https://huggingface.co/', caption: '', clip: 'bench/clip-vit-b32-compute', faces: '', tags: VOCABULARY,
  },
};
