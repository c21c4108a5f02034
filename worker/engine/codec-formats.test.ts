// The codec inside workerd: PNG, WebP and TIFF, real photos (FIXTURES) and generated variants (codec-fixtures.ts).
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/helpers';
import { encodePng } from '../formats/png';
import { develop, type Developed, type OutputSpec } from './codec';
import { CodecInputError } from './codec-errors';
import * as fx from './codec-fixtures';
import { chunks, expectColour, labTiff, labToSrgb, ONE, pixel, SET } from './codec-test-utils';

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

  it("converts CIELab with the sRGB curve from a D65 white, as libvips does (not libtiff's 2.4 gamma)", async () => {
    // Neutral L* 10, 30, 50, 90 and one colour; libtiff's own conversion makes L* 10 an RGB 12 (sRGB: 28).
    const patches = [[26, 0, 0], [77, 0, 0], [128, 0, 0], [230, 0, 0], [153, 40, -30]].map(([l, a, b]) => [(l * 100) / 255, a, b] as [number, number, number]);
    const p = (await develop(labTiff(16 * patches.length, 16, (x) => patches[Math.floor(x / 16)]), { outputs: ONE })).preview!;
    patches.forEach(([L, a, b], i) => expectColour(pixel(p, 16 * i + 8, 8), labToSrgb(L, a, b), 4));
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

describe('resampling', () => {
  // A hard edge between two greys, shrunk 160 -> 100 px. Lanczos-3 (sharp's kernel) rings next to the edge:
  // it undershoots the dark side and overshoots the light one; an area average never leaves the two levels.
  const edge = (width = 160, height = 96) => {
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data.fill(i % width <= width / 2 ? 64 : 192, 4 * i, 4 * i + 3), (data[4 * i + 3] = 255);
    return new Uint8Array(encodePng({ width, height, data }));
  };
  const middleRow = (p: NonNullable<Developed['preview']>) => Array.from({ length: p.width }, (_, x) => pixel(p, x, p.height / 2)[1]);
  const rings = (p: NonNullable<Developed['preview']>) => Math.min(...middleRow(p)) < 58 && Math.max(...middleRow(p)) > 198;
  const SMALL: OutputSpec[] = [{ name: 'small', long: 100, short: 100 }];

  it('shrinks PNG rows with Lanczos-3 as they are decoded', async () => {
    const r = await develop(edge(), { outputs: SMALL });
    expect([r.decoded.width, r.decoded.height]).toEqual([100, 60]); // shrunk while decoding
    expect(rings(r.preview!)).toBe(true);
  });

  it('decodes a big opaque lossy WebP once, at full size, and shrinks it with Lanczos-3', async () => {
    const webp = (await develop(edge(2100, 2000), { outputs: ONE, quality: 95, method: 0 })).outputs.full.bytes; // 4.2 MP
    const r = await develop(webp, { outputs: SMALL });
    expect([r.format, r.decoded.width, r.decoded.height]).toEqual(['webp', 2100, 2000]); // its own YUV, full size
    expect(Math.max(...middleRow(r.preview!))).toBeGreaterThan(194); // Lanczos-3 overshoots past the light level (21x: less than at 1.6x)
  });

  it("makes a small WebP's smaller outputs by libwebp's scaled decode, as sharp does (an area average: no ringing)", async () => {
    const webp = (await develop(edge(), { outputs: ONE, quality: 95 })).outputs.full.bytes; // lossy, 160x96
    const r = await develop(webp, { outputs: SMALL });
    expect([r.format, r.decoded.width, r.decoded.height]).toEqual(['webp', 160, 96]); // decoded once at full size first
    expect(rings(r.preview!)).toBe(false);
    const photo = await fixture('webp-htc-exif-gps.webp'), all = await develop(photo, { outputs: SET });
    for (const name of ['t600', 't300', 't150']) {
      const alone = await develop(photo, { outputs: SET.filter((s) => s.name === name) });
      expect(alone.outputs[name].bytes, name).toEqual(all.outputs[name].bytes); // each from the original, not the cascade
    }
  });
});
