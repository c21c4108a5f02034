// `node --test worker/scripts/models/models.test.mjs`: generates the stand-ins and runs them with the real libraries —
// transformers.js 4.3.1 (on onnxruntime-node) for the HF-layout models, onnxruntime-web's WASM backend
// for the OpenCV face models, as the app does — asserting on outputs that only a correct graph gives.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, env, Florence2ForConditionalGeneration,
  pipeline, RawImage, SiglipTextModel, SiglipVisionModel,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'darkroom-models-'));
const RGB = { red: [220, 30, 20], green: [30, 180, 40], blue: [20, 40, 210], yellow: [230, 220, 30], white: [245, 245, 245] };
const solid = ([r, g, b], w = 64, h = 48) => new RawImage(new Uint8ClampedArray(w * h * 3).map((_, i) => [r, g, b][i % 3]), w, h, 3);

before(() => {
  execFileSync(process.execPath, [path.join(import.meta.dirname, 'make-tiny-models.mjs'), out], { stdio: 'ignore' });
  env.allowRemoteModels = false; // offline: a missing file must fail, not download
  env.localModelPath = `${out}/`;
  ort.env.wasm.numThreads = 1;
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

describe('Florence-2 base (onnx-community layout)', () => {
  const id = 'tiny/Florence-2-base-ft';
  for (const dtype of ['fp32', 'q8']) {
    test(`answers <CAPTION>, <MORE_DETAILED_CAPTION> and <OCR> by colour (${dtype})`, async () => {
      const model = await Florence2ForConditionalGeneration.from_pretrained(id, { dtype });
      const processor = await AutoProcessor.from_pretrained(id);
      const ask = async (image, task) => {
        const ids = await model.generate({ ...(await processor(image, task)), max_new_tokens: 100 });
        return processor.post_process_generation(processor.batch_decode(ids, { skip_special_tokens: false })[0], task, [image.height, image.width])[task];
      };
      for (const colour of ['red', 'green', 'blue']) {
        assert.equal(await ask(solid(RGB[colour]), '<CAPTION>'), `A ${colour} photo.`);
        assert.equal(await ask(solid(RGB[colour]), '<MORE_DETAILED_CAPTION>'),
          `The image shows a ${colour} photo. It is mostly ${colour}, with a plain background and no other objects.`);
        assert.equal(await ask(solid(RGB[colour]), '<OCR>'), colour.toUpperCase());
      }
      await model.dispose();
    });
  }
  test('has the real file layout', () => {
    for (const f of ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'])
      assert.ok(fs.existsSync(path.join(out, id, f)), f);
    for (const base of ['vision_encoder', 'embed_tokens', 'encoder_model', 'decoder_model_merged'])
      for (const sfx of ['', '_quantized', '_fp16']) assert.ok(fs.existsSync(path.join(out, id, 'onnx', `${base}${sfx}.onnx`)), base + sfx);
  });
});

test('the light captioner captions by colour', async () => {
  const captioner = await pipeline('image-to-text', 'tiny/vit-gpt2-image-captioning', { dtype: 'q8' });
  for (const colour of ['red', 'green', 'blue']) {
    const [{ generated_text }] = await captioner(solid(RGB[colour]));
    assert.equal(generated_text.trim(), `a photo of a ${colour} thing`);
  }
  // Dark and greyish photos (most real ones) still name their dominant channel, with the app's own
  // generation settings too, instead of stopping at "a photo of a".
  for (const [rgb, colour] of [[[120, 100, 90], 'red'], [[40, 60, 45], 'green'], [[30, 35, 70], 'blue']]) {
    for (const options of [{}, { max_new_tokens: 30 }]) {
      const [{ generated_text }] = await captioner(solid(rgb), options);
      assert.equal(generated_text.trim(), `a photo of a ${colour} thing`, `${rgb} ${JSON.stringify(options)}`);
    }
  }
});

const cosine = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
const rows = (t) => Array.from({ length: t.dims[0] }, (_, i) => Array.from(t.data.subarray(i * t.dims[1], (i + 1) * t.dims[1])));

for (const [name, id, dims, Vision, Text, key, pad] of [
  ['CLIP ViT-B/32', 'tiny/clip-vit-base-patch32', 512, CLIPVisionModelWithProjection, CLIPTextModelWithProjection, ['image_embeds', 'text_embeds'], true],
  ['SigLIP base', 'tiny/siglip-base-patch16-224', 768, SiglipVisionModel, SiglipTextModel, ['pooler_output', 'pooler_output'], 'max_length'],
]) {
  test(`${name}: a colour word lands nearest the photos of that colour (${dims}-d)`, async () => {
    const processor = await AutoProcessor.from_pretrained(id);
    const vision = await Vision.from_pretrained(id, { dtype: 'q8' });
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    const text = await Text.from_pretrained(id, { dtype: 'q8' });
    const colours = Object.keys(RGB);
    // photos: each colour as a solid image and as a 70/30 mix with grey, in shuffled order
    const photos = colours.flatMap((c) => [[c, solid(RGB[c])], [c, solid(RGB[c].map((v) => Math.round(0.75 * v + 0.25 * 128)), 80, 60)]]).reverse();
    const images = [];
    for (const [, img] of photos) images.push(rows((await vision(await processor(img)))[key[0]])[0]);
    assert.equal(images[0].length, dims);
    const words = rows((await text(tokenizer(colours, { padding: pad, truncation: true })))[key[1]]);
    colours.forEach((c, i) => {
      const ranked = photos.map(([pc], j) => [pc, cosine(words[i], images[j])]).sort((a, b) => b[1] - a[1]);
      assert.deepEqual(ranked.slice(0, 2).map(([pc]) => pc), [c, c], `${c}: ${JSON.stringify(ranked)}`);
    });
  });
}

test('every generated ONNX file opens in onnxruntime-web (WASM), the runtime the app uses', async () => {
  const onnx = fs.readdirSync(out, { recursive: true }).filter((f) => f.endsWith('.onnx'));
  assert.ok(onnx.length >= 40, `${onnx.length} files`);
  for (const f of onnx) {
    const s = await ort.InferenceSession.create(fs.readFileSync(path.join(out, f)));
    assert.ok(s.inputNames.length > 0 && s.outputNames.length > 0, f);
    await s.release();
  }
});

for (const id of ['tiny/clip-vit-base-patch32', 'tiny/siglip-base-patch16-224']) {
  test(`${id}: zero-shot-image-classification (the joint model.onnx) picks the colour`, async () => {
    const classify = await pipeline('zero-shot-image-classification', id, { dtype: 'q8' });
    for (const colour of ['red', 'green', 'blue']) {
      const [best] = await classify(solid(RGB[colour]), ['red', 'green', 'blue', 'yellow'], { hypothesis_template: 'a photo of {}' });
      assert.equal(best.label, colour);
    }
  });
}

// -- faces, with onnxruntime-web (WASM) as the app runs them --------------------------------------
const session = (file) => ort.InferenceSession.create(fs.readFileSync(path.join(out, 'tiny/opencv_zoo', file)), { executionProviders: ['wasm'] });

/** 640×640 BGR planar 0..255 with grey background and red squares [x, y, side]. */
function bgrWithSquares(squares, channelOrder = 'bgr') {
  const S = 640, data = new Float32Array(3 * S * S).fill(110);
  const red = channelOrder === 'bgr' ? [20, 30, 220] : [220, 30, 20];
  for (const [x0, y0, side] of squares) for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++)
    for (let c = 0; c < 3; c++) data[c * S * S + y * S + x] = red[c];
  return new ort.Tensor('float32', data, [1, 3, S, S]);
}

/** OpenCV FaceDetectorYN's decoding (face_detect.cpp) plus a plain NMS. */
function decode(outputs, threshold = 0.6) {
  const found = [];
  for (const s of [8, 16, 32]) {
    const cols = 640 / s, cls = outputs[`cls_${s}`].data, obj = outputs[`obj_${s}`].data, bbox = outputs[`bbox_${s}`].data;
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(Math.min(1, Math.max(0, cls[i])) * Math.min(1, Math.max(0, obj[i])));
      if (score < threshold) continue;
      const c = i % cols, r = Math.floor(i / cols);
      const cx = (c + bbox[i * 4]) * s, cy = (r + bbox[i * 4 + 1]) * s, w = Math.exp(bbox[i * 4 + 2]) * s, h = Math.exp(bbox[i * 4 + 3]) * s;
      found.push({ box: [cx - w / 2, cy - h / 2, w, h], score });
    }
  }
  const iou = (a, b) => {
    const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0])), iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    return (ix * iy) / (a[2] * a[3] + b[2] * b[3] - ix * iy);
  };
  const kept = [];
  for (const f of found.sort((a, b) => b.score - a.score)) if (kept.every((k) => iou(k.box, f.box) < 0.3)) kept.push(f);
  return kept;
}

describe('YuNet 2023mar stand-in', () => {
  test('has the real input and output heads', async () => {
    const det = await session('models/face_detection_yunet/face_detection_yunet_2023mar.onnx');
    assert.deepEqual(det.inputNames, ['input']);
    assert.deepEqual([...det.outputNames].sort(), ['bbox', 'cls', 'kps', 'obj'].flatMap((n) => [8, 16, 32].map((s) => `${n}_${s}`)).sort());
    const res = await det.run({ input: bgrWithSquares([]) });
    assert.deepEqual(res.cls_8.dims, [1, 6400, 1]); assert.deepEqual(res.bbox_16.dims, [1, 1600, 4]); assert.deepEqual(res.kps_32.dims, [1, 400, 10]);
    assert.equal(decode(res).length, 0, 'grey image: no face');
  });
  test('fires once per red blob, with the blob as its box', async () => {
    const det = await session('models/face_detection_yunet/face_detection_yunet_2023mar.onnx');
    const squares = [[100, 80, 40], [320, 300, 96], [500, 60, 24], [40, 450, 150]];
    const faces = decode(await det.run({ input: bgrWithSquares(squares) }));
    assert.equal(faces.length, squares.length, JSON.stringify(faces));
    for (const [x, y, side] of squares) {
      const f = faces.find(({ box }) => Math.abs(box[0] + box[2] / 2 - (x + side / 2)) < 8 && Math.abs(box[1] + box[3] / 2 - (y + side / 2)) < 8);
      assert.ok(f, `no box for ${[x, y, side]}: ${JSON.stringify(faces)}`);
      assert.ok(Math.abs(f.box[2] - side) < Math.max(6, side * 0.12) && Math.abs(f.box[3] - side) < Math.max(6, side * 0.12), `size ${f.box} vs ${side}`);
    }
  });
  test('needs BGR, like the real model', async () => {
    const det = await session('models/face_detection_yunet/face_detection_yunet_2023mar.onnx');
    assert.equal(decode(await det.run({ input: bgrWithSquares([[320, 300, 96]], 'rgb') })).length, 0);
  });
});

test('SFace 2021dec stand-in: 128-d, similar crops close, different crops apart', async () => {
  const emb = await session('models/face_recognition_sface/face_recognition_sface_2021dec.onnx');
  assert.deepEqual(emb.inputNames, ['data']); assert.deepEqual(emb.outputNames, ['fc1']);
  const crop = (fn) => {
    const d = new Float32Array(3 * 112 * 112);
    for (let y = 0; y < 112; y++) for (let x = 0; x < 112; x++) for (let c = 0; c < 3; c++) d[c * 12544 + y * 112 + x] = fn(x, y, c);
    return new ort.Tensor('float32', d, [1, 3, 112, 112]);
  };
  const run = async (t) => Array.from((await emb.run({ data: t })).fc1.data);
  const a = await run(crop((x, y, c) => (y < 50 ? 200 : 60) + c * 10));
  const a2 = await run(crop((x, y, c) => (y < 52 ? 205 : 55) + c * 10 + ((x * 7 + y) % 5))); // same layout, a little noise
  const b = await run(crop((x, y, c) => (x < 56 ? 220 : 40) - c * 20));
  assert.equal(a.length, 128);
  assert.ok(cosine(a, a2) > 0.95, `similar: ${cosine(a, a2)}`);
  assert.ok(cosine(a, b) < 0.5, `different: ${cosine(a, b)}`);
});

// Each fed as the real model is (transformers.js's preprocessing of the stand-in's own config: size,
// mean/std) and answering as it does (BiRefNet logits, ISNet and MODNet probabilities).
for (const [id, input, output, dims, [mean, std], probabilities] of [
  ['tiny/BiRefNet_lite-ONNX', 'input_image', 'output_image', [1, 3, 1024, 1024], [0.485, 0.229], false],
  ['tiny/isnet-general-use-onnx', 'input_image', 'output_image', [1, 3, 1024, 1024], [0.5, 1], true],
  ['tiny/modnet', 'input', 'output', [1, 3, 512, 768], [0.5, 0.5], true], // 121×80: shortest edge to 512 (774.4 wide), then multiples of 32
]) {
  test(`${id} stand-in: background-removal keeps the red pixels, fed as the real model`, async () => {
    const remover = await pipeline('background-removal', id, { dtype: 'q8' });
    assert.deepEqual(remover.model.sessions.model.inputNames, [input]);
    const w = 121, h = 80, data = new Uint8ClampedArray(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(x >= 30 && x < 70 && y >= 20 && y < 60 ? RGB.red : [90, 140, 200], (y * w + x) * 3);
    const image = new RawImage(data, w, h, 3);
    const { pixel_values } = await remover.processor(image);
    assert.deepEqual(pixel_values.dims, dims);
    assert.ok(Math.abs(pixel_values.data[0] - (90 / 255 - mean) / std) < 0.01, `top-left red ${pixel_values.data[0]}`);
    const raw = (await remover.model({ [input]: pixel_values }))[output].data;
    assert.equal(raw.every((v) => v >= 0 && v <= 1), probabilities);
    const cut = await remover(image);
    assert.equal(cut.channels, 4);
    const alpha = (x, y) => cut.data[(y * w + x) * 4 + 3];
    assert.ok(alpha(50, 40) > 240, `inside ${alpha(50, 40)}`);
    assert.ok(alpha(5, 5) < 15 && alpha(100, 70) < 15, `outside ${alpha(5, 5)} ${alpha(100, 70)}`);
  });
}

// -- the bench building blocks --------------------------------------------------------------------
test('a q8 linear (DynamicQuantizeLinear → MatMulInteger) computes what its fp32 twin does', async () => {
  const { Graph, DT } = await import('./onnx-writer.mjs');
  const { Net } = await import('./layers.mjs');
  const build = (q8) => {
    const g = new Graph('linear');
    g.input('x', DT.FLOAT, [2, 5, 64]);
    const net = new Net(g, { q8, seed: 7 });
    g.node('Identity', [net.linear('x', 64, 32)], ['y']); // no LayerNorm: its zero-mean rows would hide a wrong zero point
    g.output('y', DT.FLOAT, [2, 5, 32]);
    return ort.InferenceSession.create(g.toModel());
  };
  const x = new ort.Tensor('float32', Float32Array.from({ length: 640 }, (_, i) => Math.sin(i * 1.3) * 3 + 1), [2, 5, 64]);
  const [q, f] = await Promise.all([build(true), build(false)]);
  const yq = (await q.run({ x })).y.data, yf = (await f.run({ x })).y.data;
  const err = Math.hypot(...yq.map((v, i) => v - yf[i])) / Math.hypot(...yf);
  assert.ok(err < 0.03 && Math.hypot(...yf) > 0.1, `relative error ${err}`);
});

test('the bench Florence answers at real lengths despite no_repeat_ngram_size 3 and 3 beams', async () => {
  const { makeFlorence } = await import('./florence.mjs');
  const { writer } = await import('./files.mjs');
  makeFlorence(writer(out), 'long/florence', { long: true, suffixes: [''] });
  const model = await Florence2ForConditionalGeneration.from_pretrained('long/florence', { dtype: 'fp32' });
  const processor = await AutoProcessor.from_pretrained('long/florence');
  const inputs = await processor(solid(RGB.green), '<MORE_DETAILED_CAPTION>');
  const ids = await model.generate({ ...inputs, max_new_tokens: 120 });
  const text = processor.post_process_generation(processor.batch_decode(ids, { skip_special_tokens: false })[0], '<MORE_DETAILED_CAPTION>', [48, 64])['<MORE_DETAILED_CAPTION>'];
  assert.ok(ids.dims[1] > 70, `${ids.dims[1]} tokens`);
  assert.match(text, /^The image shows a green photo\. .* surface of the image\.$/);
});
