// The sweep recovers lost messages and leaves recent work alone; the scheduled batch runs once a day.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import { api, newLibrary, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';
import { inWindow, sweep } from './sweeper';
import { manualLibrary, upload } from './testing';

describe('the sweep', () => {
  it('re-queues a photo whose message was lost, and the consumer develops it', async () => {
    const { token } = await manualLibrary();
    const photo = await upload('photo-fuji-iptc-gps.jpg', token);
    // As if it had been queued ten minutes ago and the message vanished.
    const tenMinutesAgo = Date.now() - 10 * 60_000;
    await testEnv.DB.prepare('UPDATE photos SET queued_at = ?2, updated_at = ?2 WHERE id = ?1').bind(photo.id, tenMinutesAgo).run();
    const report = await sweep(testEnv, Date.now());
    expect(report.requeued).toBeGreaterThanOrEqual(1);
    expect((await waitForPhoto(photo.id, token, settled)).status).toBe('completed');
  });

  it('leaves recently queued work alone', async () => {
    const { token } = await manualLibrary();
    const recent = await upload('photo-noexif.jpg', token);
    const stale = await upload('photo-kodak-gps-south.jpg', token);
    const now = Date.now();
    // Queued three minutes ago: idle, but within the 5-minute stage timeout (and old enough not to make
    // the backfill lane step aside for it as fresh interactive work).
    await testEnv.DB.prepare('UPDATE photos SET queued_at = ?2, updated_at = ?2 WHERE id = ?1').bind(recent.id, now - 3 * 60_000).run();
    await testEnv.DB.prepare('UPDATE photos SET queued_at = ?2, updated_at = ?2 WHERE id = ?1').bind(stale.id, now - 10 * 60_000).run();
    await sweep(testEnv, now);
    // Requeued work runs asynchronously: once the stale photo (sent in the same sweep) is developed,
    // a wrongly requeued recent photo would have been developed too.
    expect((await waitForPhoto(stale.id, token, settled)).status).toBe('completed');
    await new Promise((r) => setTimeout(r, 500));
    const { photo: after } = await (await api(`/api/photos/${recent.id}`, { token })).json<UploadResponse>();
    expect(after.status).toBe('pending');
    expect(Object.values(after.stages).map((s) => s.attempts)).toEqual([0, 0, 0]);
  });

  it('runs the scheduled batch once a day, at its time, when auto-processing is off', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: true, schedule: '03:30', batchSize: 1 });
    const a = await upload('orient-landscape-1.jpg', token);
    const b = await upload('orient-landscape-2.jpg', token);
    const day = Date.UTC(2031, 0, 15);
    expect(inWindow('03:30', day + 3 * 3600_000)).toBe(false);
    expect(inWindow('03:30', day + 3.5 * 3600_000 + 60_000)).toBe(true);

    await sweep(testEnv, day + 3 * 3600_000); // before the window
    expect((await (await api(`/api/photos/${a.id}`, { token })).json<UploadResponse>()).photo.status).toBe('pending');

    await sweep(testEnv, day + 3.5 * 3600_000 + 60_000); // in the window: one batch of batchSize
    expect((await waitForPhoto(a.id, token, settled)).status).toBe('completed');
    await sweep(testEnv, day + 3.5 * 3600_000 + 120_000); // same window, same day: no second batch
    expect((await (await api(`/api/photos/${b.id}`, { token })).json<UploadResponse>()).photo.status).toBe('pending');

    await sweep(testEnv, day + 86_400_000 + 3.5 * 3600_000 + 60_000); // next day
    expect((await waitForPhoto(b.id, token, settled)).status).toBe('completed');
  });
});
