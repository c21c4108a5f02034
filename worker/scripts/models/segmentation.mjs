// Background-removal stand-in with onnx-community/BiRefNet_lite-ONNX's layout (BiRefNet, MIT):
// config.json (model_type 'birefnet', which transformers.js maps to a segmentation model),
// preprocessor_config.json (1024×1024, ImageNet mean/std) and onnx/model.onnx:
// input_image [b,3,1024,1024] → output_image [b,1,1024,1024] logits (the pipeline applies the sigmoid).
// Foreground = red pixels: logit = 0.1·(R − (G+B)/2 − 60) on the de-normalised 0..255 image.
import { A, DT, Graph } from './onnx-writer.mjs';

const F = DT.FLOAT;
const MEAN = [0.485, 0.456, 0.406], STD = [0.229, 0.224, 0.225];

/** `cost(g)` (bench variant) returns a tensor computed with the real model's work, added in times zero. */
export function makeSegmentation(files, dir, { cost, suffixes } = {}) {
  const g = new Graph('birefnet_standin');
  g.input('input_image', F, ['batch_size', 3, 1024, 1024]);
  // back to 0..255 per channel, then one 1×1 conv: 0.1·(R − G/2 − B/2) − 6
  const w = [1, -0.5, -0.5].map((c, i) => 0.1 * c * 255 * STD[i]);
  const bias = [1, -0.5, -0.5].reduce((sum, c, i) => sum + 0.1 * c * 255 * MEAN[i], -6);
  g.f32('red_w', [1, 3, 1, 1], w); g.f32('red_b', [1], [bias]);
  const logits = g.node('Conv', ['input_image', 'red_w', 'red_b'], 1, { kernel_shape: A.ints([1, 1]) });
  const extra = cost ? g.node('Mul', [g.node('ReduceMean', [cost(g)], 1, { keepdims: A.i(0) }), g.scalar(0)]) : null;
  g.node(extra ? 'Add' : 'Identity', extra ? [logits, extra] : [logits], ['output_image']);
  g.output('output_image', F, ['batch_size', 1, 1024, 1024]);
  files.onnx(dir, 'model', g.toModel(), suffixes);
  files.write(`${dir}/config.json`, { _name_or_path: 'darkroom tiny stand-in for ZhengPeng7/BiRefNet_lite', architectures: ['BiRefNet'], model_type: 'birefnet' });
  files.write(`${dir}/preprocessor_config.json`, {
    do_normalize: true, do_rescale: true, do_resize: true, image_mean: MEAN, image_std: STD,
    feature_extractor_type: 'ImageFeatureExtractor', resample: 2, rescale_factor: 0.00392156862745098, size: { width: 1024, height: 1024 },
  });
}
