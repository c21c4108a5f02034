// The codec inside workerd: the committed module, JPEG (real photos and generated variants) and colour.
// Other formats: codec-formats.test.ts; bad input and memory limits: codec-limits.test.ts.
import { describe, expect, it } from 'vitest';
import { fixture, fixtureAt } from '../test/helpers';
import { webpSize } from '../formats/webp';
import codecWasm from './codec/codec.wasm';
import manifest from './codec/manifest.json';
import { codecVersion, develop, fitBox } from './codec';
import * as fx from './codec-fixtures';
import { chunks, expectColour, jpegIcc, meanDiff, ONE, pixel, SET } from './codec-test-utils';

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

  it('keeps the top chroma rows of an odd-sized 4:2:0 JPEG (libjpeg writes luma in whole MCUs)', async () => {
    // 47x31, red over blue: the luma padding row used to land on the first rows of the U plane.
    const p = (await develop(await fixtureAt('engine/odd-420.jpg'), { outputs: ONE })).preview!;
    expect([p.width, p.height]).toEqual([47, 31]);
    expectColour(pixel(p, 4, 1), [220, 40, 40]);
    expectColour(pixel(p, 40, 1), [220, 40, 40]);
    expectColour(pixel(p, 20, 28), [40, 60, 220]);
  });

  it('gets CMYK (Adobe, inverted) colours right', async () => {
    const cmyk = await develop(await fixture('cmyk-generated.jpg'), { outputs: [SET[0]] });
    const rgb = await develop(await fixture('orient-landscape-1.jpg'), { outputs: [SET[0]] });
    expect([cmyk.width, cmyk.height]).toEqual([600, 400]);
    expect(meanDiff(cmyk.preview!, rgb.preview!)).toBeLessThan(8);
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
