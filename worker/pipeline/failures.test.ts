// Failure handling: transient errors retry without duplicate outputs, dead letters end failed.
// The sweep and the daily batch: sweeper.test.ts; retry, cancel and the pipeline settings: controls.test.ts.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { PipelineMessage } from '../contract/queue';
import worker from '../index';
import { api, settled, testEnv, waitForPhoto } from '../test/helpers';
import { developPhoto } from './run';
import { manualLibrary, upload } from './testing';

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
