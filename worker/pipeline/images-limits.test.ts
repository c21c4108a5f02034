// The local Images binding refuses what production's Cloudflare Images refuses (AVIF, TIFF, more than
// 12,000 px per side or 100 MP), so a test that passes locally passes in production; and what our engine
// hands to the binding is logged and counted in GET /api/status.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { StatusResponse } from '../contract/status';
import { PermanentError } from '../errors';
import { encodePng } from '../formats/png';
import { api, fixture, newLibrary, put, settled, testEnv, waitForPhoto } from '../test/helpers';
import { renderWebp } from './engine';

const box = { width: 300, height: 300 };
const refused = (bytes: Uint8Array) => renderWebp(testEnv.IMAGES, bytes.slice().buffer, box).catch((e: unknown) => e);

describe('the Images binding, as production has it', () => {
  it.each([
    ['avif-iphone3gs-exif.avif', /does not take AVIF/],
    ['tiff-cielab-nikon.tiff', /does not take TIFF/],
  ])('refuses %s', async (name, reason) => {
    const err = await refused(await fixture(name));
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(reason);
  });

  it('refuses a panorama wider than 12,000 px, and takes one at 12,000 px', async () => {
    const png = (w: number) => new Uint8Array(encodePng({ width: w, height: 2, data: new Uint8Array(w * 2 * 4).fill(200) }));
    const err = await refused(png(12_001));
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/at most 12000 px per side \(this is 12001×2\)/);
    const ok = await renderWebp(testEnv.IMAGES, png(12_000).slice().buffer, box);
    expect(ok.width).toBe(300);
  });

  it('takes a JPEG, as a stream too', async () => {
    const out = await renderWebp(testEnv.IMAGES, new Response(await fixture('photo-noexif.jpg')).body!, box);
    expect(out.width).toBe(300);
  });
});

describe('engine fallbacks', () => {
  it('develops a 24 MP progressive JPEG through the binding (over the engine budget) and counts it in /api/status', async () => {
    const { token } = await newLibrary();
    const bytes = new Uint8Array(await (await testEnv.FIXTURES.fetch('http://fixtures/engine/progressive-24mp.jpg')).arrayBuffer());
    const res = await put(bytes, 'pano.jpg', token);
    expect(res.status).toBe(201);
    const { photo } = await res.json<UploadResponse>();
    const done = await waitForPhoto(photo.id, token, settled, 120_000);
    expect(done.status).toBe('completed');
    expect(Object.keys(done.variants).sort()).toEqual(['1080', '2160']);
    const status = await (await api('/api/status', { token })).json<StatusResponse>();
    expect(status.engineFallbacks).toEqual({ over_budget: 1 });
  });
});
