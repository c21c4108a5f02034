// What a user controls: retry (only the failed stages) and cancel (only unstarted work), and the
// pipeline settings (defaults, partial updates, validation, upload limits).
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import { api, fixture, newLibrary, put, setSettings, settled, waitForPhoto } from '../test/helpers';
import { manualLibrary, upload } from './testing';

describe('retry and cancel', () => {
  it('retries only the failed stages, and retry-failed takes every failed photo', async () => {
    const { token } = await newLibrary();
    const res = await put(await fixture('bad-truncated.jpg'), 'bad.jpg', token);
    const { photo } = await res.json<UploadResponse>();
    const failed = await waitForPhoto(photo.id, token, settled);
    expect(failed.status).toBe('failed');
    expect(failed.stages.exif).toMatchObject({ status: 'completed', attempts: 1 });

    const retry = await api(`/api/photos/${photo.id}/retry`, { method: 'POST', token });
    expect(retry.status).toBe(200);
    const again = await waitForPhoto(photo.id, token, (p) => p.status === 'failed' && p.stages.thumbnails?.attempts === 1 && p.updatedAt > failed.updatedAt);
    expect(again.stages.exif).toMatchObject({ status: 'completed', attempts: 1 }); // not re-run

    const all = await api('/api/photos/retry-failed', { method: 'POST', token });
    expect(await all.json()).toEqual({ retried: 1 });
  });

  it('cancels work that has not started, refuses otherwise, and a retry resumes it', async () => {
    const { token } = await manualLibrary();
    const photo = await upload('photo-noexif.jpg', token);
    const cancel = await api(`/api/photos/${photo.id}/cancel`, { method: 'POST', token });
    expect(cancel.status).toBe(200);
    const { photo: cancelled } = await cancel.json<UploadResponse>();
    expect(cancelled).toMatchObject({ status: 'failed', error: 'Cancelled before processing started.' });
    expect(Object.values(cancelled.stages).map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect((await api(`/api/photos/${photo.id}/cancel`, { method: 'POST', token })).status).toBe(409);

    expect((await api(`/api/photos/${photo.id}/retry`, { method: 'POST', token })).status).toBe(200);
    const done = await waitForPhoto(photo.id, token, settled);
    expect(done.status).toBe('completed');
    expect((await api(`/api/photos/${photo.id}/retry`, { method: 'POST', token })).status).toBe(409);
  });
});

describe('settings', () => {
  it('has defaults, accepts partial updates and refuses invalid values with the field named', async () => {
    const { token } = await newLibrary();
    const res = await api('/api/settings', { token });
    expect((await res.json<{ settings: object }>()).settings).toMatchObject({
      autoProcessOnUpload: true, batchSize: 500, thumbnailSizes: [150, 300, 600], maxMegapixels: 100, maxUploadBytes: 209715200,
      variantSizes: [{ name: '1080', width: 1080, height: 1920 }, { name: '2160', width: 2160, height: 3840 }],
    });
    await setSettings(token, { batchSize: 20, thumbnailSizes: [200] });
    const after = await (await api('/api/settings', { token })).json<{ settings: { batchSize: number; thumbnailSizes: number[]; autoProcessOnUpload: boolean } }>();
    expect(after.settings).toMatchObject({ batchSize: 20, thumbnailSizes: [200], autoProcessOnUpload: true });

    for (const [body, field] of [
      [{ batchSize: 0 }, 'batchSize'], [{ schedule: '25:00' }, 'schedule'], [{ thumbnailSizes: [150, 150] }, 'thumbnailSizes'],
      [{ variantSizes: [{ name: 'A B', width: 10, height: 10 }] }, 'variantSizes'], [{ autoProcessOnUpload: 'yes' }, 'autoProcessOnUpload'],
      [{ unknown: 1 }, 'unknown'], [{ maxMegapixels: -1 }, 'maxMegapixels'],
    ] as const) {
      const bad = await api('/api/settings', { method: 'PUT', token, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      const { error } = await bad.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(field);
    }
  });

  it('applies the upload limits from settings', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { maxUploadBytes: 10_000 });
    const big = await put(await fixture('photo-fuji-iptc-gps.jpg'), 'a.jpg', token);
    expect(big.status).toBe(413);
    const wide = await put(await fixture('photo-kodak-gps-south.jpg'), 'b.jpg', token); // 100×78: fine
    expect(wide.status).toBe(201);
    await setSettings(token, { maxUploadBytes: 100_000_000, maxMegapixels: 1 });
    const pixels = await put(await fixture('photo-canon600d-gps-west.jpg'), 'c.jpg', token); // 1.3 MP
    expect(pixels.status).toBe(422);
  });
});
