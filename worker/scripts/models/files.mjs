// Writing generated model files. Every ONNX graph is written under each dtype suffix transformers.js
// 4.3.1 may ask for (src/utils/dtypes.js: fp32 '', q8 '_quantized', fp16 '_fp16'; the default on
// device 'wasm' is q8, on 'webgpu' and Node 'cpu' fp32), so the app's dtype choice never 404s.
import fs from 'node:fs';
import path from 'node:path';

export function writer(out) {
  const write = (rel, data) => {
    const p = path.join(out, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data, null, 2));
    return p;
  };
  /** Writes onnx/<base>{,_quantized,_fp16}.onnx. The tiny graphs' outputs are exact by design, so every
   *  suffix carries the same fp32 graph; `npm run models:tiny -- --compute real` writes real q8 graphs. */
  const onnx = (dir, base, bytes, suffixes = ['', '_quantized', '_fp16']) => {
    for (const s of suffixes) write(`${dir}/onnx/${base}${s}.onnx`, bytes);
  };
  return { out, write, onnx };
}
