// The codec inside workerd: PNG, WebP and TIFF, real photos (FIXTURES) and generated variants (codec-fixtures.ts).
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/helpers';
import { encodePng } from '../formats/png';
import { develop, type Developed, type OutputSpec } from './codec';
import { CodecInputError } from './codec-errors';
import * as fx from './codec-fixtures';
import { chunks, expectColour, ONE, pixel, SET } from './codec-test-utils';

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

describe('resampling', () => {
  // A hard edge between two greys, shrunk 160 -> 100 px. Lanczos-3 (sharp's kernel) rings next to the edge:
  // it undershoots the dark side and overshoots the light one; an area average never leaves the two levels.
  const edge = () => {
    const width = 160, height = 96, data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data.fill(i % width < 81 ? 64 : 192, 4 * i, 4 * i + 3), (data[4 * i + 3] = 255);
    return new Uint8Array(encodePng({ width, height, data }));
  };
  const rings = (p: NonNullable<Developed['preview']>) => {
    const row = Array.from({ length: p.width }, (_, x) => pixel(p, x, p.height / 2)[1]);
    return Math.min(...row) < 58 && Math.max(...row) > 198;
  };
  const SMALL: OutputSpec[] = [{ name: 'small', long: 100, short: 100 }];

  it('shrinks PNG rows with Lanczos-3 as they are decoded', async () => {
    const r = await develop(edge(), { outputs: SMALL });
    expect([r.decoded.width, r.decoded.height]).toEqual([100, 60]); // shrunk while decoding
    expect(rings(r.preview!)).toBe(true);
  });

  it('decodes an opaque lossy WebP at full size and shrinks it with Lanczos-3', async () => {
    const webp = (await develop(edge(), { outputs: ONE, quality: 95 })).outputs.full.bytes; // lossy, 160x96
    const r = await develop(webp, { outputs: SMALL });
    expect([r.format, r.decoded.width, r.decoded.height]).toEqual(['webp', 160, 96]); // its own YUV, full size
    expect(rings(r.preview!)).toBe(true);
  });
});
