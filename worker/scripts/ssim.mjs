// SSIM of two luma planes (Float64Array, w*h), for codec-quality.mjs.
// box8: 8x8 box windows at stride 4 (the metric this project first reported; harsh on tiny images,
// where a window is a large share of the picture). gauss: Wang et al. 2004's reference form — 11x11
// Gaussian window (sigma 1.5) at every pixel, K1 0.01, K2 0.03 — the one "SSIM" usually means.

const C1 = (0.01 * 255) ** 2, C2 = (0.03 * 255) ** 2;

export function ssimBox8(a, b, w, h) {
  const N = 8;
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

const KERNEL = (() => {
  const k = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const s = k.reduce((x, y) => x + y, 0);
  return k.map((v) => v / s);
})();

/** Separable Gaussian blur, 'valid' region only (like MATLAB's filter2(..., 'valid')). */
function blur(src, w, h) {
  const ow = w - 10, oh = h - 10, tmp = new Float64Array(ow * h), out = new Float64Array(ow * oh);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += KERNEL[k] * src[y * w + x + k];
      tmp[y * ow + x] = s;
    }
  }
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += KERNEL[k] * tmp[(y + k) * ow + x];
      out[y * ow + x] = s;
    }
  }
  return out;
}

export function ssimGauss(a, b, w, h) {
  if (w < 11 || h < 11) return ssimBox8(a, b, w, h); // too small for the window: fall back
  const n = w * h, aa = new Float64Array(n), bb = new Float64Array(n), ab = new Float64Array(n);
  for (let i = 0; i < n; i++) (aa[i] = a[i] * a[i]), (bb[i] = b[i] * b[i]), (ab[i] = a[i] * b[i]);
  const [ma, mb, sa, sb, sab] = [a, b, aa, bb, ab].map((p) => blur(p, w, h));
  let sum = 0;
  for (let i = 0; i < ma.length; i++) {
    const va = sa[i] - ma[i] * ma[i], vb = sb[i] - mb[i] * mb[i], cov = sab[i] - ma[i] * mb[i];
    sum += ((2 * ma[i] * mb[i] + C1) * (2 * cov + C2)) / ((ma[i] * ma[i] + mb[i] * mb[i] + C1) * (va + vb + C2));
  }
  return sum / ma.length;
}
