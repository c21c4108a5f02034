// Quality of the codec's outputs against sharp's at the same size and WebP settings: SSIM (luma, 8x8
// windows, stride 4) of the two decoded WebPs, and the byte ratio. Two WebP encodes of the same picture
// never reach SSIM 1, so each is also scored against the pristine picture (sharp: Lanczos-3 from the
// original, not encoded): "ours→ref" vs "sharp→ref" shows which output is closer to the truth.
// Corpus: every photo fixture the codec decodes, plus the 24 MP JPEG of bench-codec.mjs.
// Run: node worker/scripts/codec-quality.mjs   (METHODS=m4 for method 4 everywhere)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { developNode, nodeCodec } from './bench-codec.mjs';

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

function ssim(a, b, w, h) {
  const C1 = (0.01 * 255) ** 2, C2 = (0.03 * 255) ** 2, N = 8;
  let sum = 0, n = 0;
  for (let y0 = 0; y0 + N <= Math.max(h, N); y0 += 4) {
    for (let x0 = 0; x0 + N <= Math.max(w, N); x0 += 4) {
      let ma = 0, mb = 0, va = 0, vb = 0, cov = 0, k = 0;
      for (let y = y0; y < Math.min(h, y0 + N); y++) for (let x = x0; x < Math.min(w, x0 + N); x++, k++) (ma += a[y * w + x]), (mb += b[y * w + x]);
      ma /= k, mb /= k;
      for (let y = y0; y < Math.min(h, y0 + N); y++) {
        for (let x = x0; x < Math.min(w, x0 + N); x++) {
          const da = a[y * w + x] - ma, db = b[y * w + x] - mb;
          (va += da * da), (vb += db * db), (cov += da * db);
        }
      }
      (va /= k), (vb /= k), (cov /= k);
      sum += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      n++;
    }
  }
  return sum / n;
}

const expectations = JSON.parse(readFileSync(path.join(dir, 'expectations.json'), 'utf8')).files;
const corpus = Object.entries(expectations)
  .filter(([name, e]) => e.expected_outcome === 'accept' && /^(JPEG|PNG|WEBP|Extended WEBP|TIFF)$/i.test(e.format ?? '') && !name.startsWith('bomb'))
  .map(([name]) => [name, readFileSync(path.join(dir, name))]);
const twelve = readFileSync(path.join(dir, 'photo-galaxy-s9-12mp.jpg'));
corpus.push(['synthetic-24mp.jpg', await sharp(twelve).resize(6000, 4000).jpeg({ quality: 92 }).toBuffer()]);

const m = await nodeCodec();
const rows = [];
console.log(`WebP q80, methods: ${process.env.METHODS === 'm4' ? 'm4 everywhere' : 'm2 variants, m4 thumbnails'} (both sides)`);
console.log('file                              output  size        SSIM ours/sharp  ours→ref  sharp→ref  bytes ours/sharp');
for (const [name, bytes] of corpus) {
  let ours;
  try {
    ours = developNode(m, bytes, { methodFor }).outputs;
  } catch (e) {
    console.log(`${name.padEnd(33)} skipped: ${e.message}`);
    continue;
  }
  for (const [out, o] of Object.entries(ours)) {
    const theirs = await sharp(bytes, { autoOrient: true }).resize(o.width, o.height, { fit: 'fill' }).webp({ quality: 80, effort: methodFor(out) }).toBuffer();
    const a = await lumaOf(sharp(o.bytes), o.width, o.height), b = await lumaOf(sharp(theirs), o.width, o.height);
    const ref = await lumaOf(sharp(bytes, { autoOrient: true }).resize(o.width, o.height, { fit: 'fill' }), o.width, o.height);
    const s = ssim(a, b, o.width, o.height), sr = ssim(a, ref, o.width, o.height), tr = ssim(b, ref, o.width, o.height);
    const ratio = o.bytes.length / theirs.length;
    rows.push({ s, sr, tr, ratio });
    console.log(`${name.padEnd(33)} ${out.padEnd(7)} ${`${o.width}x${o.height}`.padEnd(11)} ${s.toFixed(4).padStart(16)}  ${sr.toFixed(4).padStart(8)}  ${tr.toFixed(4).padStart(9)}  ${ratio.toFixed(2).padStart(16)}`);
  }
}
const rs = rows.map((r) => r.ratio);
const total = (k) => rows.reduce((a, r) => a + r[k], 0) / rows.length;
const min = (k) => Math.min(...rows.map((r) => r[k])).toFixed(4);
console.log(`\n${rows.length} outputs: SSIM ours/sharp min ${min('s')} mean ${total('s').toFixed(4)}; ours→ref min ${min('sr')} mean ${total('sr').toFixed(4)}; sharp→ref min ${min('tr')} mean ${total('tr').toFixed(4)}`);
console.log(`outputs with SSIM ours/sharp < 0.98: ${rows.filter((r) => r.s < 0.98).length}; where ours→ref < sharp→ref - 0.01: ${rows.filter((r) => r.sr < r.tr - 0.01).length}`);
console.log(`bytes ours/sharp min ${Math.min(...rs).toFixed(2)} max ${Math.max(...rs).toFixed(2)} mean ${total('ratio').toFixed(2)}; outside ±15%: ${rows.filter((r) => Math.abs(r.ratio - 1) > 0.15).length}`);
