// Failure handling: transient errors retry without duplicate outputs, dead letters end failed, the sweep
// recovers lost messages, scheduled batches run once a day, retry and cancel do what they say.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { PipelineMessage } from '../contract/queue';
import worker from '../index';
import { api, fixture, newLibrary, put, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';
import { developPhoto } from './run';
import { inWindow, sweep } from './sweeper';

/** A library whose uploads are not queued, so a test drives the pipeline itself. */
async function manualLibrary() {
  const lib = await newLibrary();
  await setSettings(lib.token, { autoProcessOnUpload: false, scheduledProcessing: false });
  return lib;
}

async function upload(name: string, token: string) {
  const res = await put(await fixture(name), name, token);
  expect(res.status).toBe(201);
  return (await res.json<UploadResponse>()).photo;
}

async function objectKeys(libraryId: string) {
  const list = await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` });
  return list.objects.map((o) => o.key.split('/').pop()).sort();
}

/** The real R2 binding, except that one chosen put fails once, as a network error would. */
function failingOncePut(file: string): typeof testEnv {
  let failed = false;
  const photos = new Proxy(testEnv.PHOTOS, {
    get(target, prop) {
      if (prop !== 'put') return Reflect.get(target, prop).bind(target);
      return (key: string, ...rest: unknown[]) => {
        if (!failed && key.endsWith(file)) {
          failed = true;
          return Promise.reject(new Error('R2 put failed: connection reset'));
        }
        return (target.put as (...a: unknown[]) => unknown)(key, ...rest);
      };
    },
  });
  return { ...testEnv, PHOTOS: photos };
}

describe('retries', () => {
  it('retries a stage that throws midway, and the rerun leaves exactly one set of outputs', async () => {
    const { libraryId, token } = await manualLibrary();
    const photo = await upload('photo-canon600d-gps-west.jpg', token);
    const message: PipelineMessage = { type: 'photo.process', libraryId, photoId: photo.id };

    const env = failingOncePut('thumb-300.webp');
    expect(await developPhoto(env, message)).toEqual({ done: false, retryInSeconds: 2 });
    let now = await (await api(`/api/photos/${photo.id}`, { token })).json<UploadResponse>();
    expect(now.photo.stages.exif?.status).toBe('completed');
    expect(now.photo.stages.thumbnails).toMatchObject({ status: 'pending', attempts: 1, error: 'R2 put failed: connection reset' });

    expect(await developPhoto(env, message)).toEqual({ done: true });
    now = await (await api(`/api/photos/${photo.id}`, { token })).json<UploadResponse>();
    expect(now.photo.status).toBe('completed');
    expect(now.photo.stages.exif?.attempts).toBe(1); // completed stages are not re-run
    expect(now.photo.stages.thumbnails).toMatchObject({ status: 'completed', attempts: 2 });
    expect(await objectKeys(libraryId)).toEqual(['original', 'thumb-150.webp', 'thumb-300.webp', 'thumb-600.webp', 'variant-1080.webp', 'variant-2160.webp']);
  });

  it('gives up after three transient failures with a human-readable reason', async () => {
    const { libraryId, token } = await manualLibrary();
    const photo = await upload('photo-kodak-gps-south.jpg', token);
    const message: PipelineMessage = { type: 'photo.process', libraryId, photoId: photo.id };
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await developPhoto(failingOncePut('variant-2160.webp'), message));
    expect(outcomes).toEqual([{ done: false, retryInSeconds: 2 }, { done: false, retryInSeconds: 4 }, { done: true, failure: 'transient' }]);
    const { photo: after } = await (await api(`/api/photos/${photo.id}`, { token })).json<UploadResponse>();
    expect(after.status).toBe('failed');
    expect(after.error).toBe('R2 put failed: connection reset (gave up after 3 attempts)');
    expect(after.stages.variants).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('asks the queue to retry with backoff, and acks finished work', async () => {
    const { libraryId, token } = await manualLibrary();
    const failing = await upload('photo-canon600d-gps-west.jpg', token);
    const fine = await upload('photo-noexif.jpg', token);
    const batch = createMessageBatch<PipelineMessage>('darkroom-pipeline', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId, photoId: failing.id } },
      { id: 'm2', timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId, photoId: fine.id } },
      { id: 'm3', timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId, photoId: '0000000000000000000000'.slice(0, 21) } },
    ]);
    const ctx = createExecutionContext();
    // m1's thumbnail put fails once: a transient error the queue must redeliver after the stage's backoff.
    await worker.queue(batch, failingOncePut(`${failing.id}/thumb-300.webp`), ctx);
    const result = await getQueueResult(batch, ctx);
    // (The plugin records which messages were retried, not their delay; the 2 s backoff is the stage
    // outcome checked in the tests above.)
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1']);
    expect(result.explicitAcks.sort()).toEqual(['m2', 'm3']);
    expect(result.retryBatch.retry).toBe(false);
    expect((await waitForPhoto(fine.id, token, settled)).status).toBe('completed');
    const { photo: waiting } = await (await api(`/api/photos/${failing.id}`, { token })).json<UploadResponse>();
    expect(waiting.stages.thumbnails).toMatchObject({ status: 'pending', attempts: 1 });
  });
});

describe('dead letters', () => {
  it('marks a dead-lettered photo failed with the reason, so nothing disappears silently', async () => {
    const { libraryId, token } = await manualLibrary();
    const photo = await upload('photo-noexif.jpg', token);
    const batch = createMessageBatch<PipelineMessage>('darkroom-dlq', [
      { id: 'd1', timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId, photoId: photo.id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['d1']);
    const { photo: after } = await (await api(`/api/photos/${photo.id}`, { token })).json<UploadResponse>();
    expect(after.status).toBe('failed');
    expect(after.error).toMatch(/dead-letter/);
    expect(Object.values(after.stages).every((s) => s.status === 'failed')).toBe(true);
  });
});

describe('dead letters through the real queue', () => {
  // wrangler.toml: max_retries = 5, then dead_letter_queue. A crash outside any stage retries with
  // 2, 4, 8, 16, 32 s delays (consumer.ts), so this waits about a minute of wall time (no CPU).
  it('routes a message whose consumer keeps crashing to the dead-letter consumer, which fails the photo', async () => {
    const { libraryId, token } = await manualLibrary();
    const photo = await upload('photo-noexif.jpg', token);
    // A settings document that no longer parses makes every run crash before any stage starts.
    await testEnv.DB.prepare(`UPDATE settings SET json = '{broken' WHERE library_id = ?1`).bind(libraryId).run();
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // past the settings cache (db/settings.ts)
    const message: PipelineMessage = { type: 'photo.process', libraryId, photoId: photo.id };
    await testEnv.PIPELINE.send(message);
    const read = () => testEnv.DB.prepare(`SELECT status, error FROM photos WHERE id = ?1`).bind(photo.id).first<{ status: string; error: string | null }>();
    let row = await read();
    for (const started = Date.now(); row?.status !== 'failed' && Date.now() - started < 140_000; row = await read()) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.error).toMatch(/dead-letter/);
  }, 160_000);
});

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
