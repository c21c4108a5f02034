// AVIF in our codec: the container read by formats/avif.ts, AV1 decoded by dav1d inside the module.
import { describe, expect, it } from 'vitest';
import { compose } from '../formats/avif';
import { fixture, fixtureAt } from '../test/helpers';
import { develop, type Developed, type OutputSpec } from './codec';
import { CodecError, CodecInputError } from './codec-errors';
import * as fx from './codec-fixtures';
import { SET } from './codec-test-utils';

const ONE: OutputSpec[] = [{ name: 'full', long: 4000, short: 4000 }];

function pixel(p: NonNullable<Developed['preview']>, x: number, y: number): number[] {
  const i = (Math.floor(y) * p.width + Math.floor(x)) * 4;
  return [...p.rgba.subarray(i, i + 4)];
}

function expectColour(actual: number[], expected: readonly number[], tolerance = 14) {
  for (let c = 0; c < expected.length; c++) expect(Math.abs(actual[c] - expected[c]), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe('AVIF', () => {
  it.each(['avif420', 'avif10', 'avif444Alpha'] as const)('decodes %s with the colours (and alpha) of its source', async (name) => {
    const r = await develop(fx[name], { outputs: ONE });
    expect(r.format).toBe('avif');
    const p = r.preview!;
    expect([p.width, p.height]).toEqual([48, 32]);
    expectColour(pixel(p, 6, 4), [...fx.QUADRANTS.tl, 255]);
    expectColour(pixel(p, 6, 28), [...fx.QUADRANTS.bl, 255]);
    expectColour(pixel(p, 40, 4), [...fx.QUADRANTS.tr, name === 'avif444Alpha' ? 128 : 255]);
    expectColour(pixel(p, 40, 28), [...fx.QUADRANTS.br, name === 'avif444Alpha' ? 128 : 255]);
  });

  it('develops a real AVIF at the sizes asked', async () => {
    const r = await develop(await fixture('avif-iphone3gs-exif.avif'), { outputs: [{ name: 't300', long: 300, short: 300 }] });
    expect([r.width, r.height]).toEqual([480, 640]);
    expect([r.outputs.t300.width, r.outputs.t300.height]).toEqual([225, 300]);
  });

  it('develops a 24 MP AVIF within the 64 MB budget: shrunk to the 2160 output while converted from dav1d\'s planes', async () => {
    const r = await develop(await fixtureAt('engine/avif-24mp.avif'), { outputs: SET, method: 0 });
    expect([r.format, r.width, r.height]).toEqual(['avif', 6000, 4000]);
    expect(r.decoded).toEqual({ width: 3240, height: 2160, reduced: false }); // never held at 6000x4000 by us
    const widths: Record<string, number> = { t150: 150, t300: 300, t600: 600, d1080: 1620, d2160: 3240 };
    for (const spec of SET) expect(r.outputs[spec.name].width, spec.name).toBe(widths[spec.name]);
    expect(r.wasmBytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    const p = r.preview!;
    expectColour(pixel(p, p.width / 4, p.height / 4), [...fx.QUADRANTS.tl, 255]);
    expectColour(pixel(p, (3 * p.width) / 4, (3 * p.height) / 4), [...fx.QUADRANTS.br, 255]);
  });

  it("refuses a 24 MP 4:4:4 AVIF with the reason: dav1d's whole frame alone is over the budget", async () => {
    const err = await develop(await fixtureAt('engine/avif-24mp-444.avif'), { outputs: SET }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).kind).toBe('over_budget');
    expect((err as Error).message).toMatch(/6000x4000 8-bit 4:4:4 AVIF needs ~\d+ MB \(AV1 has no reduced-size decode.*over the 64 MB budget/);
  });

  it('calls a grid (tiled) AVIF unsupported, with the reason', async () => {
    const err = await develop(await fixtureAt('engine/avif-grid.avif'), { outputs: SET }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).kind).toBe('unsupported');
    expect((err as Error).message).toMatch(/primary AVIF item is 'grid', not a single AV1 image/);
  });

  it('fails a truncated AVIF as bad input, with the reason', async () => {
    const bytes = await fixture('avif-iphone3gs-exif.avif');
    const err = await develop(bytes.slice(0, bytes.length - 2000), { outputs: ONE }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecInputError);
    expect((err as Error).message).toMatch(/truncated|corrupt/);
  });

  it('turns irot/imir into the EXIF orientation that does the same', () => {
    expect(compose(1, 8)).toBe(8); // irot 90° anticlockwise alone
    expect(compose(2, 8)).toBe(5); // mirror, then 90° anticlockwise: transpose
    expect(compose(2, 6)).toBe(7); // mirror, then 90° clockwise: transverse
    expect(compose(6, 6)).toBe(3);
    expect(compose(3, 4)).toBe(2);
  });
});
