// Background-removal stand-ins with the layouts of the three models the export studio offers; each is
// config.json (the model_type transformers.js maps to a segmentation model), preprocessor_config.json
// and onnx/model{,_quantized,_fp16}.onnx with the real input/output names, sizes and normalisation:
//   BiRefNet lite  onnx-community/BiRefNet_lite-ONNX (MIT): input_image [b,3,1024,1024], ImageNet mean/std
//                  → output_image [b,1,1024,1024] logits (the pipeline applies the sigmoid)
//   ISNet          Ko033/isnet-general-use-onnx (DIS isnet-general-use, Apache-2.0): input_image
//                  [b,3,1024,1024], x/255 − 0.5 (mean 0.5, std 1) → output_image [b,1,1024,1024] probabilities
//   MODNet         Xenova/modnet (Apache-2.0): input [b,3,h,w], shortest edge 512 and both sides a multiple
//                  of 32, mean/std 0.5 → output [b,1,h,w] alpha matte 0..1
// Foreground = red pixels: logit = 0.1·(R − (G+B)/2 − 60) on the de-normalised 0..255 image, a sigmoid
// where the real model outputs probabilities.
import { A, DT, Graph } from './onnx-writer.mjs';

const F = DT.FLOAT;
const RESCALE = 0.00392156862745098;

export const SEGMENTERS = {
  birefnet: {
    name: 'ZhengPeng7/BiRefNet_lite', config: { architectures: ['BiRefNet'], model_type: 'birefnet' }, input: 'input_image', output: 'output_image',
    dims: [1024, 1024], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], probabilities: false,
    preprocessor: { size: { width: 1024, height: 1024 } },
  },
  isnet: {
    name: 'xuebinqin/DIS isnet-general-use', config: { model_type: 'isnet' }, input: 'input_image', output: 'output_image',
    dims: [1024, 1024], mean: [0.5, 0.5, 0.5], std: [1, 1, 1], probabilities: true,
    preprocessor: { size: { width: 1024, height: 1024 } },
  },
  modnet: {
    name: 'ZHKKKe/MODNet', config: { model_type: 'modnet' }, input: 'input', output: 'output',
    dims: ['height', 'width'], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], probabilities: true,
    preprocessor: { do_pad: false, size: { shortest_edge: 512 }, size_divisibility: 32 },
  },
};

/** `cost(g, input)` (bench variant) returns a tensor computed with the real model's work, added in times zero. */
export function makeSegmentation(files, dir, { kind = 'birefnet', cost, suffixes } = {}) {
  const m = SEGMENTERS[kind];
  const g = new Graph(`${kind}_standin`);
  g.input(m.input, F, ['batch_size', 3, ...m.dims]);
  // back to 0..255 per channel (x = (v·std + mean)·255), then one 1×1 conv: 0.1·(R − G/2 − B/2) − 6
  const w = [1, -0.5, -0.5].map((c, i) => 0.1 * c * 255 * m.std[i]);
  const bias = [1, -0.5, -0.5].reduce((sum, c, i) => sum + 0.1 * c * 255 * m.mean[i], -6);
  g.f32('red_w', [1, 3, 1, 1], w); g.f32('red_b', [1], [bias]);
  let out = g.node('Conv', [m.input, 'red_w', 'red_b'], 1, { kernel_shape: A.ints([1, 1]) });
  if (m.probabilities) out = g.node('Sigmoid', [out]);
  const extra = cost ? g.node('Mul', [g.node('ReduceMean', [cost(g, m.input)], 1, { keepdims: A.i(0) }), g.scalar(0)]) : null;
  g.node(extra ? 'Add' : 'Identity', extra ? [out, extra] : [out], [m.output]);
  g.output(m.output, F, ['batch_size', 1, ...m.dims]);
  files.onnx(dir, 'model', g.toModel(), suffixes);
  files.write(`${dir}/config.json`, { _name_or_path: `darkroom tiny stand-in for ${m.name}`, ...m.config });
  files.write(`${dir}/preprocessor_config.json`, {
    do_normalize: true, do_rescale: true, do_resize: true, image_mean: m.mean, image_std: m.std,
    feature_extractor_type: 'ImageFeatureExtractor', resample: 2, rescale_factor: RESCALE, ...m.preprocessor,
  });
}
