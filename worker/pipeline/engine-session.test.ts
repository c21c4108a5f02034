// How the pipeline treats the engine's failures: bad input fails for good with the decoder's words; an
// allocation failure (memory pressure) is retried; what the engine cannot take goes to the binding only
// where production's Cloudflare Images would take it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../contract/settings';
import type { PipelinePhoto } from '../db/pipeline-claim';
import { CodecError } from '../engine/codec-errors';
import { withCodec } from '../engine/codec-instance';
import { openSession, withSession, type SessionRunner } from '../engine/develop-session';
import { PermanentError } from '../errors';
import { fixture, fixtureAt } from '../test/helpers';
import { openEngine } from './engine-session';

const MB = 1024 * 1024;

function photo(mime: string, width: number, height: number): PipelinePhoto {
  return { id: 'p1', libraryId: 'l1', mime, kind: 'image', bytes: 1, width, height, status: 'processing', stages: {} };
}

/** Opens the engine and releases it at once; the session (or null, or the error) is the result. */
async function open(p: PipelinePhoto, bytes: Uint8Array, run?: SessionRunner) {
  const fallbacks: string[] = [];
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  try {
    const session = await openEngine(p, DEFAULT_SETTINGS, Promise.resolve(bytes), released, (reason, detail) => fallbacks.push(`${reason}: ${detail}`), run);
    return { session, fallbacks, error: null };
  } catch (error) {
    return { session: null, fallbacks, error };
  } finally {
    release();
  }
}

describe('engine failures in the pipeline', () => {
  it('fails truncated input at once, as permanent, with the decoder message', async () => {
    const bytes = await fixture('bad-truncated.jpg');
    const { error } = await open(photo('image/jpeg', 100, 100), bytes);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/could not be decoded: .*premature end/i);
  });

  it('retries an allocation failure (memory pressure): not permanent, and the next job succeeds', async () => {
    const bytes = await fixture('photo-galaxy-s9-12mp.jpg');
    // The instance is nearly full when the photo arrives (another job's memory), as under pressure.
    const pressed: SessionRunner = (b, o, use) => withCodec((m) => {
      expect(m._malloc(90 * MB)).not.toBe(0);
      return use(openSession(m, b, { ...o, budgetBytes: 1024 * MB }));
    });
    const { error } = await open(photo('image/jpeg', 4032, 3024), bytes, pressed);
    expect(error).toBeInstanceOf(CodecError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect((error as CodecError).kind).toBe('no_memory');
    const again = await open(photo('image/jpeg', 4032, 3024), bytes);
    expect(again.error).toBeNull();
    expect(again.session?.names).toEqual(['variant-2160', 'variant-1080', 'thumb-600', 'thumb-300', 'thumb-150']);
  });

  it('hands an over-budget JPEG to the binding (production takes it), and logs why', async () => {
    const tight: SessionRunner = (b, o, use) => withSession(b, { ...o, budgetBytes: 4 * MB }, use);
    const bytes = await fixture('photo-progressive-lumix.jpg');
    const { session, fallbacks, error } = await open(photo('image/jpeg', 1280, 960), bytes, tight);
    expect(error).toBeNull();
    expect(session).toBeNull();
    expect(fallbacks).toEqual([expect.stringMatching(/^over_budget: .*over the 4 MB budget/)]);
  });

  it('fails what neither takes with both reasons: an over-budget TIFF (Cloudflare Images takes no TIFF)', async () => {
    const tight: SessionRunner = (b, o, use) => withSession(b, { ...o, budgetBytes: 1 * MB }, use);
    const bytes = await fixture('tiff-cielab-nikon.tiff');
    const { fallbacks, error } = await open(photo('image/tiff', 400, 266), bytes, tight);
    expect(fallbacks).toEqual([expect.stringMatching(/^refused_over_budget: .*over the 1 MB budget/)]); // counted, not handed over
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/budget.*Cloudflare Images does not take TIFF/);
  });

  it('fails a grid (tiled) AVIF for good with both reasons, and counts it', async () => {
    const { fallbacks, error } = await open(photo('image/avif', 128, 64), await fixtureAt('engine/avif-grid.avif'));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/primary AVIF item is 'grid', not a single AV1 image; Cloudflare Images does not take AVIF input/);
    expect(fallbacks).toEqual([expect.stringMatching(/^refused_unsupported: /)]);
  });
});
