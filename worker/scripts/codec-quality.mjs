// Quality of the codec's outputs against sharp's at the same size and WebP settings (issue 18, item 5):
// SSIM of the luma of the two decoded WebPs, and their byte ratio. Two metrics (ssim.mjs): "gauss" is
// the reference SSIM (11x11 Gaussian window, every pixel), "box8" 8x8 windows at stride 4.
// To show where a gap comes from, each output is also scored two more ways:
//   ours→ref / sharp→ref: against the pristine picture (sharp's Lanczos-3 from the original, not
//     encoded): which output is closer to the truth;
//   enc-only: sharp's own pristine pixels encoded by our module (PNG in, no resize) vs sharp's WebP:
//     the part of the gap that is the encoder (libwebp 1.2.4 here, 1.6.0 in sharp), not our pixels;
//   floor: sharp's WebP of its pristine pixels with every 3rd sample moved by one level, vs its WebP of
//     the untouched pixels: what SSIM two encodes of visually identical pictures reach (the metric's
//     noise floor — the encoder's quantisation decisions flip on tiny input differences).
// Corpus: every photo fixture the codec decodes (JPEG, PNG, WebP, TIFF), plus the 24 MP JPEG of
// bench-codec.mjs. Run: node worker/scripts/codec-quality.mjs   (METHODS=m4 for method 4 everywhere)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { developNode, nodeCodec } from './bench-codec.mjs';
import { ssimBox8, ssimGauss } from './ssim.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const dir = path.join(root, 'worker/test/fixtures/photos');
const methodFor = (n) => (process.env.METHODS === 'm4' ? 4 : n.startsWith('d') ? 2 : 4);

async function lumaOf(image, width, height) {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) throw new Error(`size ${info.width}x${info.height} != ${width}x${height}`);
  const y = new Float64Array(width * height);
  for (let i = 0; i < y.length; i++) y[i] = 0.299 * data[3 * i] + 0.587 * data[3 * i + 1] + 0.114 * data[3 * i + 2];
  return y;
}

/** Our module encoding given upright pixels (a PNG) at their own size: no resize, orientation 1. */
function encodeOnly(m, png, w, h, method) {
  const input = m._malloc(png.length);
  m.HEAPU8.set(png, input);
  const rc = m._cx_decode(input, png.length, Math.max(w, h), Math.min(w, h), 64 << 20, 268_402_689);
  m._free(input);
  if (rc) throw new Error(`encode-only decode ${rc}`);
  if (m._cx_output(Math.max(w, h), Math.min(w, h), 80, method)) throw new Error('encode-only output failed');
  const ptr = m._cx_get(9), len = m._cx_get(10), bytes = m.HEAPU8.slice(ptr, ptr + len);
  m._cx_reset();
  return bytes;
}

const expectations = JSON.parse(readFileSync(path.join(dir, 'expectations.json'), 'utf8')).files;
const corpus = Object.entries(expectations)
  .filter(([name, e]) => e.expected_outcome === 'accept' && /^(JPEG|PNG|WEBP|Extended WEBP|TIFF)$/i.test(e.format ?? '') && !name.startsWith('bomb'))
  .map(([name, e]) => [name, e.format.replace('Extended ', '').toUpperCase(), readFileSync(path.join(dir, name))]);
const twelve = readFileSync(path.join(dir, 'photo-galaxy-s9-12mp.jpg'));
corpus.push(['synthetic-24mp.jpg', 'JPEG', await sharp(twelve).resize(6000, 4000).jpeg({ quality: 92 }).toBuffer()]);
const only = process.env.ONLY; // a file name regex, for quick looks
const m = await nodeCodec();
const rows = [];
console.log(`WebP q80, methods: ${process.env.METHODS === 'm4' ? 'm4 everywhere' : 'm2 variants, m4 thumbnails'} (both sides)`);
console.log('file                              output  size        gauss   box8    ours→ref sharp→ref enc-only floor    bytes ours/sharp');
for (const [name, format, bytes] of corpus) {
  if (only && !new RegExp(only).test(name)) continue;
  let ours;
  try {
    ours = developNode(m, bytes, { methodFor }).outputs;
  } catch (e) {
    console.log(`${name.padEnd(33)} skipped: ${e.message}`);
    continue;
  }
  for (const [out, o] of Object.entries(ours)) {
    const pristine = sharp(bytes, { autoOrient: true }).resize(o.width, o.height, { fit: 'fill' });
    const theirs = await pristine.clone().webp({ quality: 80, effort: methodFor(out) }).toBuffer();
    const png = await pristine.clone().png({ compressionLevel: 1 }).toBuffer();
    const encOnly = encodeOnly(m, png, o.width, o.height, methodFor(out));
    const raw = await pristine.clone().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < raw.data.length; i += 3) raw.data[i] = raw.data[i] < 255 ? raw.data[i] + 1 : 254;
    const nudged = await sharp(raw.data, { raw: raw.info }).webp({ quality: 80, effort: methodFor(out) }).toBuffer();
    const a = await lumaOf(sharp(o.bytes), o.width, o.height), b = await lumaOf(sharp(theirs), o.width, o.height);
    const ref = await lumaOf(sharp(png), o.width, o.height), e = await lumaOf(sharp(encOnly), o.width, o.height);
    const n = await lumaOf(sharp(nudged), o.width, o.height);
    const row = {
      name, format, out,
      gauss: ssimGauss(a, b, o.width, o.height), box8: ssimBox8(a, b, o.width, o.height),
      sr: ssimGauss(a, ref, o.width, o.height), tr: ssimGauss(b, ref, o.width, o.height), enc: ssimGauss(e, b, o.width, o.height), floor: ssimGauss(n, b, o.width, o.height),
      ratio: o.bytes.length / theirs.length,
    };
    rows.push(row);
    const f = (v) => v.toFixed(4).padStart(7);
    console.log(`${name.padEnd(33)} ${out.padEnd(7)} ${`${o.width}x${o.height}`.padEnd(11)} ${f(row.gauss)} ${f(row.box8)} ${f(row.sr)}  ${f(row.tr)}  ${f(row.enc)}  ${f(row.floor)}  ${row.ratio.toFixed(2).padStart(8)}`);
  }
}

function summary(label, rs) {
  const mean = (k) => (rs.reduce((s, r) => s + r[k], 0) / rs.length).toFixed(4);
  const min = (k) => Math.min(...rs.map((r) => r[k])).toFixed(4);
  const ratios = rs.map((r) => r.ratio);
  console.log(
    `${label.padEnd(8)} ${String(rs.length).padStart(3)}  gauss min ${min('gauss')} mean ${mean('gauss')} (<0.98: ${rs.filter((r) => r.gauss < 0.98).length})` +
      `  box8 min ${min('box8')} mean ${mean('box8')} (<0.98: ${rs.filter((r) => r.box8 < 0.98).length})` +
      `  enc-only mean ${mean('enc')}  floor min ${min('floor')} mean ${mean('floor')} (<0.98: ${rs.filter((r) => r.floor < 0.98).length})  ours→ref − sharp→ref min ${Math.min(...rs.map((r) => r.sr - r.tr)).toFixed(4)}  bytes ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} mean ${mean('ratio')} (outside ±15%: ${rs.filter((r) => Math.abs(r.ratio - 1) > 0.15).length})`,
  );
}
console.log('\nby output');
for (const out of [...new Set(rows.map((r) => r.out))]) summary(out, rows.filter((r) => r.out === out));
console.log('by format');
for (const fmt of [...new Set(rows.map((r) => r.format))]) summary(fmt, rows.filter((r) => r.format === fmt));
summary('all', rows);
console.log(`ours closer to the pristine picture than sharp's own WebP (gauss): ${rows.filter((r) => r.sr >= r.tr).length}/${rows.length}`);
