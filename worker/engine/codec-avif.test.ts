// AVIF in our codec: the container read by formats/avif.ts, AV1 decoded by dav1d inside the module.
import { describe, expect, it } from 'vitest';
import { compose } from '../formats/avif';
import { fixture } from '../test/helpers';
import { develop, type Developed, type OutputSpec } from './codec';
import { CodecInputError } from './codec-errors';
import * as fx from './codec-fixtures';

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
