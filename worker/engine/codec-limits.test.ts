// The codec's failures: bad input fails at once as permanent, formats it does not decode are
// 'unsupported' (another engine may take them), and memory: the budget and allocation failures.
import { describe, expect, it } from 'vitest';
import { fixture } from '../test/helpers';
import { develop, developWith } from './codec';
import { CodecError, CodecInputError } from './codec-errors';
import { withCodec } from './codec-instance';
import { SET } from './codec-test-utils';

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
