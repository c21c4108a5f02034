// The codec inside workerd: real photos (FIXTURES) and generated variants (codec-fixtures.ts).
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/helpers';
import { webpSize } from '../formats/webp';
import codecWasm from './codec/codec.wasm';
import manifest from './codec/manifest.json';
import { codecVersion, develop, developWith, fitBox, type Developed, type OutputSpec } from './codec';
import { CodecError, CodecInputError } from './codec-errors';
import { withCodec } from './codec-instance';
import * as fx from './codec-fixtures';

const SET: OutputSpec[] = [
  { name: 't150', long: 150, short: 150 },
  { name: 'd1080', long: 1920, short: 1080 },
  { name: 't600', long: 600, short: 600 },
  { name: 'd2160', long: 3840, short: 2160 },
  { name: 't300', long: 300, short: 300 },
];
const ONE: OutputSpec[] = [{ name: 'full', long: 4000, short: 4000 }];

/** RIFF chunks of a WebP file, by FourCC. */
function chunks(b: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 12; off + 8 <= b.length; ) {
    const size = view.getUint32(off + 4, true);
    out.set(String.fromCharCode(...b.subarray(off, off + 4)), b.subarray(off + 8, off + 8 + size));
    off += 8 + size + (size & 1);
  }
  return out;
}

/** The ICC profile of a JPEG (APP2 ICC_PROFILE chunks, in order). */
function jpegIcc(b: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let off = 2; off + 4 <= b.length && b[off] === 0xff && b[off + 1] !== 0xda; ) {
    const len = (b[off + 2] << 8) | b[off + 3];
    const seg = b.subarray(off + 4, off + 2 + len);
    if (b[off + 1] === 0xe2 && new TextDecoder().decode(seg.subarray(0, 11)) === 'ICC_PROFILE') parts[seg[12]] = seg.subarray(14);
    off += 2 + len;
  }
  const all = parts.filter(Boolean);
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  all.reduce((o, p) => (out.set(p, o), o + p.length), 0);
  return out;
}

function pixel(p: NonNullable<Developed['preview']>, x: number, y: number): number[] {
  const i = (Math.floor(y) * p.width + Math.floor(x)) * 4;
  return [...p.rgba.subarray(i, i + 4)];
}

/** Mean absolute difference per channel between two same-size RGBA previews. */
function meanDiff(a: NonNullable<Developed['preview']>, b: NonNullable<Developed['preview']>): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.rgba.length; i++) if (i % 4 !== 3) sum += Math.abs(a.rgba[i] - b.rgba[i]);
  return sum / ((a.rgba.length / 4) * 3);
}

function expectColour(actual: number[], expected: readonly number[], tolerance = 12) {
  for (let c = 0; c < expected.length; c++) expect(Math.abs(actual[c] - expected[c]), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe('the committed module', () => {
  it('matches the manifest the build script wrote (exports and version)', async () => {
    const exports = WebAssembly.Module.exports(codecWasm).map((e) => e.name).sort();
    expect(exports).toEqual(manifest.exports);
    expect(await codecVersion()).toBe(manifest.version);
  });
});

describe('JPEG', () => {
  it('develops a 12 MP photo: five outputs at the sizes of the contract, decoded once at a DCT scale', async () => {
    const r = await develop(await fixture('photo-galaxy-s9-12mp.jpg'), { outputs: SET, method: 2 });
    expect(r.format).toBe('jpeg');
    for (const spec of SET) {
      const out = r.outputs[spec.name];
      const want = fitBox(r.width, r.height, spec.long, spec.short);
      expect([out.width, out.height], spec.name).toEqual([want.width, want.height]);
      expect(webpSize(out.bytes), spec.name).toEqual([want.width, want.height]);
    }
    // 4032x3024 needs 2880x2160: 6/8 (3024x2268) is the smallest M/8 covering it.
    expect(r.decoded).toEqual({ width: 3024, height: 2268, reduced: false });
    expect(r.preview!.width).toBeLessThanOrEqual(100);
    expect(r.wasmBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('applies EXIF orientations 1–8: every file looks like orientation 1', async () => {
    const upright = (await develop(await fixture('orient-landscape-1.jpg'), { outputs: [SET[0]] })).preview!;
    for (let o = 2; o <= 8; o++) {
      const r = await develop(await fixture(`orient-landscape-${o}.jpg`), { outputs: [SET[0]] });
      expect(r.orientation).toBe(o);
      expect([r.width, r.height, r.outputs.t150.width, r.outputs.t150.height]).toEqual([1800, 1200, 150, 100]);
      expect(meanDiff(r.preview!, upright), `orientation ${o}`).toBeLessThan(6);
    }
  });

  it('turns a portrait (orientation 6) photo upright, with portrait-shaped variants', async () => {
    const r = await develop(await fixture('orient-portrait-6.jpg'), { outputs: SET });
    expect(r.orientation).toBe(6);
    expect(r.height).toBeGreaterThan(r.width);
    expect(r.outputs.d1080.height).toBeGreaterThan(r.outputs.d1080.width);
    expect(webpSize(r.outputs.t600.bytes)).toEqual([r.outputs.t600.width, r.outputs.t600.height]);
  });

  it('decodes progressive, 4:4:4 and greyscale JPEGs', async () => {
    const prog = await develop(await fixture('photo-progressive-lumix.jpg'), { outputs: SET });
    expect([prog.width, prog.height, prog.outputs.t600.width]).toEqual([1280, 960, 600]);
    const q = (await develop(fx.jpeg444, { outputs: ONE })).preview!;
    expectColour(pixel(q, 6, 4), fx.QUADRANTS.tl);
    expectColour(pixel(q, 40, 28), fx.QUADRANTS.br);
    const g = (await develop(fx.jpegGrey, { outputs: ONE })).preview!;
    expectColour(pixel(g, 6, 4), [fx.GREY.tl, fx.GREY.tl, fx.GREY.tl, 255], 6);
    expectColour(pixel(g, 40, 28), [fx.GREY.br, fx.GREY.br, fx.GREY.br, 255], 6);
  });

  it('gets CMYK (Adobe, inverted) colours right', async () => {
    const cmyk = await develop(await fixture('cmyk-generated.jpg'), { outputs: [SET[0]] });
    const rgb = await develop(await fixture('orient-landscape-1.jpg'), { outputs: [SET[0]] });
    expect([cmyk.width, cmyk.height]).toEqual([600, 400]);
    expect(meanDiff(cmyk.preview!, rgb.preview!)).toBeLessThan(8);
  });
});

describe('PNG', () => {
  it('develops a real PNG photo', async () => {
    const r = await develop(await fixture('photo-noexif-coffee.png'), { outputs: SET });
    expect([r.format, r.width, r.height, r.outputs.t300.width, r.outputs.t300.height]).toEqual(['png', 600, 400, 300, 200]);
    expect(r.outputs.d2160.width).toBe(600); // never enlarged
  });

  it('reads 8- and 16-bit, palette, grey, alpha and interlaced PNGs with the right colours', async () => {
    for (const [name, bytes] of Object.entries({ pngRgb8: fx.pngRgb8, pngRgb16: fx.pngRgb16, pngRgba8: fx.pngRgba8, pngPalette: fx.pngPalette, pngInterlaced: fx.pngInterlaced })) {
      const p = (await develop(bytes, { outputs: ONE })).preview!;
      expect([p.width, p.height], name).toEqual([48, 32]);
      expectColour(pixel(p, 6, 4), [...fx.QUADRANTS.tl, 255]);
      expectColour(pixel(p, 6, 28), [...fx.QUADRANTS.bl, 255]);
      const alpha = name === 'pngRgb8' || name === 'pngRgb16' ? 255 : 128;
      expectColour(pixel(p, 40, 4), [...fx.QUADRANTS.tr, alpha], name === 'pngPalette' ? 24 : 12);
    }
    for (const bytes of [fx.pngGrey8, fx.pngGrey16]) {
      const p = (await develop(bytes, { outputs: ONE })).preview!;
      expectColour(pixel(p, 40, 4), [fx.GREY.tr, fx.GREY.tr, fx.GREY.tr, 255], 4);
      expectColour(pixel(p, 6, 28), [fx.GREY.bl, fx.GREY.bl, fx.GREY.bl, 255], 4);
    }
  });

  it('keeps the pixels of a PNG whose iCCP chunk is corrupt', async () => {
    const r = await develop(await fixture('png-invalid-iccp.png'), { outputs: SET });
    expect([r.width, r.height, r.iccBytes]).toEqual([460, 60, 0]);
  });

  it('keeps alpha in the WebP output', async () => {
    const r = await develop(fx.pngRgba8, { outputs: ONE });
    expect(chunks(r.outputs.full.bytes).has('ALPH')).toBe(true);
  });
});

describe('WebP', () => {
  it('decodes lossy (real photo), lossless and alpha WebP', async () => {
    const photo = await develop(await fixture('webp-htc-exif-gps.webp'), { outputs: SET });
    expect([photo.format, photo.width, photo.height, photo.outputs.t600.height]).toEqual(['webp', 776, 909, 600]);
    expect(photo.iccBytes).toBe(0); // its profile is sRGB: nothing to carry
    for (const [name, bytes] of Object.entries({ webpLossless: fx.webpLossless, webpLosslessAlpha: fx.webpLosslessAlpha, webpLossyAlpha: fx.webpLossyAlpha })) {
      const p = (await develop(bytes, { outputs: ONE })).preview!;
      expectColour(pixel(p, 6, 28), [...fx.QUADRANTS.bl, 255]);
      expectColour(pixel(p, 40, 28), [...fx.QUADRANTS.br, name === 'webpLossless' ? 255 : 128], 16);
    }
  });
});

describe('TIFF', () => {
  it('develops a real CIELab TIFF (Nikon) upright at its size', async () => {
    const r = await develop(await fixture('tiff-cielab-nikon.tiff'), { outputs: SET });
    expect([r.format, r.width, r.height, r.outputs.t300.width, r.outputs.t300.height]).toEqual(['tiff', 400, 266, 300, 200]);
    const p = r.preview!;
    const mean = [0, 1, 2].map((c) => p.rgba.filter((_, i) => i % 4 === c).reduce((a, b) => a + b, 0) / (p.width * p.height));
    expect(Math.max(...mean) - Math.min(...mean)).toBeGreaterThan(5); // colour, not a grey or black page
  });

  it('reads LZW, Deflate with alpha, JPEG-compressed and tiled 16-bit TIFFs with the right colours', async () => {
    for (const [name, bytes] of Object.entries({ tiffLzw: fx.tiffLzw, tiffDeflateAlpha: fx.tiffDeflateAlpha, tiffJpeg: fx.tiffJpeg, tiffRgb16Tiled: fx.tiffRgb16Tiled })) {
      const p = (await develop(bytes, { outputs: ONE })).preview!;
      expect([p.width, p.height], name).toEqual([48, 32]);
      expectColour(pixel(p, 6, 4), [...fx.QUADRANTS.tl, 255]);
      expectColour(pixel(p, 6, 28), [...fx.QUADRANTS.bl, 255]);
      expectColour(pixel(p, 40, 4), [...fx.QUADRANTS.tr, name === 'tiffDeflateAlpha' ? 128 : 255]);
    }
  });

  it('fails a truncated TIFF as bad input', async () => {
    const err = await develop((await fixture('tiff-cielab-nikon.tiff')).slice(0, 300_000), { outputs: SET }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecInputError);
  });
});

describe('colour', () => {
  it('embeds a Display P3 source profile in every output, byte for byte', async () => {
    const r = await develop(fx.jpegP3, { outputs: SET });
    expect(r.iccBytes).toBeGreaterThan(0);
    const source = jpegIcc(fx.jpegP3);
    expect(source.length).toBe(r.iccBytes);
    for (const out of Object.values(r.outputs)) expect(chunks(out.bytes).get('ICCP'), out.name).toEqual(source);
  });

  it('does not embed an sRGB profile', async () => {
    const r = await develop(await fixture('jpeg-gainmap-hdr.jpg'), { outputs: [SET[0]] });
    expect(r.iccBytes).toBe(0);
    expect(chunks(r.outputs.t150.bytes).has('ICCP')).toBe(false);
  });
});

describe('bad input and limits', () => {
  it('fails truncated and corrupt files at once, with the decoder message, as permanent', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [await fixture('bad-truncated.jpg'), /premature end/i],
      [await fixture('bad-corrupt-header.jpg'), /./],
      [(await fixture('photo-noexif-coffee.png')).slice(0, 100_000), /./],
      [(await fixture('webp-htc-exif-gps.webp')).slice(0, 20_000), /truncated|corrupt/],
      [new Uint8Array(0), /empty/],
      [await fixture('bomb-png-65536x65536.png'), /too many pixels/],
    ];
    for (const [bytes, message] of cases) {
      const err = await develop(bytes, { outputs: SET }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CodecInputError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('calls formats it does not decode unsupported (not bad input)', async () => {
    for (const name of ['heic-iphone7-gps.heic', 'anim-rotating-squares.gif', 'bad-text-as.jpg']) {
      const err = await develop(await fixture(name), { outputs: SET }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(CodecError);
      expect((err as CodecError).kind, name).toBe('unsupported');
    }
  });

  it('decodes smaller to stay inside a tight budget, and refuses what cannot fit', async () => {
    const bytes = await fixture('photo-galaxy-s9-12mp.jpg');
    const reduced = await develop(bytes, { outputs: SET, budgetBytes: 24 * 1024 * 1024, method: 0 });
    expect(reduced.decoded.reduced).toBe(true);
    expect(reduced.outputs.d2160.width).toBeLessThan(2880);
    const err = await develop(await fixture('photo-progressive-lumix.jpg'), { outputs: SET, budgetBytes: 4 * 1024 * 1024 }).catch((e: unknown) => e);
    expect((err as CodecError).kind).toBe('over_budget');
    expect((err as Error).message).toMatch(/progressive JPEG needs ~\d+ MB, over the 4 MB budget/);
  });

  it('reports an allocation failure as retryable, and the next job gets a fresh instance', async () => {
    const MB = 1024 * 1024;
    const bytes = await fixture('photo-galaxy-s9-12mp.jpg');
    const err = await withCodec((m) => {
      expect(m._malloc(90 * MB)).not.toBe(0); // the instance is nearly full before the photo arrives
      return developWith(m, bytes, { outputs: SET, budgetBytes: 1024 * MB });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecError);
    expect([(err as CodecError).kind, (err as CodecError).retryable]).toEqual(['no_memory', true]);
    const ok = await develop(bytes, { outputs: SET, method: 0 });
    expect(ok.wasmBytes).toBeLessThan(64 * MB);
  });
});
