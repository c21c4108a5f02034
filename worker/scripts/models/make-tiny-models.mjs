// `npm run models:tiny -- [outDir] [--compute real]`: deterministic stand-ins for darkroom's models with
// each real model's file layout, config files and input/output names, so the app's real loading code
// (transformers.js classes and pipelines, onnxruntime-web sessions) runs unchanged on them offline.
// Their outputs follow the image's dominant colour, so tests can assert on them (see each module).
// Default outDir: test-output/models (gitignored). Folders (model ids under /models/):
//   tiny/Florence-2-base-ft          onnx-community/Florence-2-base-ft      captions, detailed captions, OCR
//   tiny/vit-gpt2-image-captioning   Xenova/vit-gpt2-image-captioning       the light captioner
//   tiny/clip-vit-base-patch32       Xenova/clip-vit-base-patch32           512-d embeddings
//   tiny/siglip-base-patch16-224     Xenova/siglip-base-patch16-224         768-d embeddings
//   tiny/opencv_zoo                  opencv/opencv_zoo (HF mirror): models/face_detection_yunet/face_detection_yunet_2023mar.onnx,
//                                    models/face_recognition_sface/face_recognition_sface_2021dec.onnx
//   tiny/BiRefNet_lite-ONNX          onnx-community/BiRefNet_lite-ONNX      background removal (export studio)
//   tiny/isnet-general-use-onnx      Ko033/isnet-general-use-onnx           background removal, ISNet general-use
//   tiny/modnet                      Xenova/modnet                          background removal, portraits
//   tiny/face                        legacy face folder (RGB, 512-d), until the app moves to opencv_zoo
// With --compute real, bench/… folders get the same layouts with the real models' compute and q8
// weights (see real-compute.mjs); that takes a while and writes a few hundred MB.
import fs from 'node:fs';
import path from 'node:path';
import { writer } from './files.mjs';
import { makeClip, makeSiglip } from './embeddings.mjs';
import { makeCaptioner } from './captioner.mjs';
import { makeFlorence } from './florence.mjs';
import { makeFaces } from './faces.mjs';
import { makeSegmentation } from './segmentation.mjs';
import { makeLegacyFace } from './legacy-face.mjs';

const args = process.argv.slice(2);
const flag = args.indexOf('--compute');
const compute = flag >= 0 ? args.splice(flag, 2)[1] : 'tiny';
const out = args[0] ?? 'test-output/models';
const files = writer(out);

makeFlorence(files, 'tiny/Florence-2-base-ft');
makeCaptioner(files, 'tiny/vit-gpt2-image-captioning');
makeClip(files, 'tiny/clip-vit-base-patch32');
makeSiglip(files, 'tiny/siglip-base-patch16-224');
makeFaces(files, 'tiny/opencv_zoo');
makeSegmentation(files, 'tiny/BiRefNet_lite-ONNX', { kind: 'birefnet' });
makeSegmentation(files, 'tiny/isnet-general-use-onnx', { kind: 'isnet' });
makeSegmentation(files, 'tiny/modnet', { kind: 'modnet' });
makeLegacyFace(files, 'tiny/face');
if (compute === 'real') {
  const { makeRealCompute } = await import('./real-compute.mjs');
  await makeRealCompute(files);
} else if (compute !== 'tiny') {
  throw new Error(`--compute must be "tiny" or "real", not ${compute}`);
}

let total = 0;
for (const f of fs.readdirSync(out, { recursive: true }).sort()) {
  const st = fs.statSync(path.join(out, f));
  if (st.isFile()) { total += st.size; console.log(String(st.size).padStart(11), f); }
}
console.log(String(total).padStart(11), `bytes in ${out}`);
