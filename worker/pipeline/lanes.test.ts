// Priority lanes: backfill goes to its own queue and steps aside (deferred, not failed) while an
// interactive photo is queued; uploads and single retries are interactive.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { PipelineMessage } from '../contract/queue';
import { markQueuedIn } from '../db/lanes';
import { consume } from './consumer';
import { api, fixture, newLibrary, put, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';
import { enqueuePhotos } from './enqueue';
import { isolateBusy, QUIET_AFTER_MS, trackActivity } from '../isolate-activity';

async function manualUpload(name: string) {
  const { libraryId, token } = await newLibrary();
  await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: false });
  const res = await put(await fixture(name), name, token);
  expect(res.status).toBe(201);
  return { libraryId, token, id: (await res.json<UploadResponse>()).photo.id };
}

const lane = async (id: string) => (await testEnv.DB.prepare(`SELECT lane FROM photos WHERE id = ?1`).bind(id).first<{ lane: string }>())!.lane;

async function deliverBackfill(libraryId: string, photoId: string, backfillWaitMs: number) {
  const batch = createMessageBatch<PipelineMessage>('darkroom-backfill', [
    { id: 'b1', timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId, photoId } },
  ]);
  const ctx = createExecutionContext();
  await consume(batch, testEnv, { backfillWaitMs });
  return getQueueResult(batch, ctx);
}

describe('lanes', () => {
  it('sends backfill to its own queue, whose consumer develops it', async () => {
    const { libraryId, token, id } = await manualUpload('photo-noexif.jpg');
    await enqueuePhotos(testEnv, libraryId, [id], 'backfill');
    expect(await lane(id)).toBe('backfill');
    expect((await waitForPhoto(id, token, settled)).status).toBe('completed');
  });

  it('backfill waits while interactive work is queued, develops once it is done, and hands messages back past its wait', async () => {
    const interactive = await manualUpload('photo-kodak-gps-south.jpg');
    // Queued interactively a moment ago and not developed yet (its message is in flight).
    await markQueuedIn(testEnv.DB, [interactive.id], 'interactive', Date.now());
    const backfill = await manualUpload('photo-noexif.jpg');
    await markQueuedIn(testEnv.DB, [backfill.id], 'backfill', Date.now());

    const yielded = await deliverBackfill(backfill.libraryId, backfill.id, 0);
    expect(yielded.explicitAcks).toEqual(['b1']); // acked and sent again with a delay: not a failed attempt
    expect(yielded.retryMessages).toEqual([]);
    const waiting = (await (await api(`/api/photos/${backfill.id}`, { token: backfill.token })).json<UploadResponse>()).photo;
    expect(waiting.status).toBe('pending');
    expect(waiting.stages.exif?.attempts).toBe(0);

    // A backfill batch that may wait holds on until the interactive photo is developed, then develops its own.
    const waited = deliverBackfill(backfill.libraryId, backfill.id, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    expect((await (await api(`/api/photos/${backfill.id}`, { token: backfill.token })).json<UploadResponse>()).photo.stages.exif?.attempts).toBe(0);
    await enqueuePhotos(testEnv, interactive.libraryId, [interactive.id], 'interactive');
    expect((await waitForPhoto(interactive.id, interactive.token, settled)).status).toBe('completed');
    expect((await waited).explicitAcks).toEqual(['b1']);
    expect((await waitForPhoto(backfill.id, backfill.token, settled)).status).toBe('completed');
  });

  it('backfill steps aside while this isolate is serving a request, and goes on once it is quiet', async () => {
    const backfill = await manualUpload('photo-noexif.jpg');
    await markQueuedIn(testEnv.DB, [backfill.id], 'backfill', Date.now());
    // A request held open in this isolate (an upload streaming in, say), through the app's own middleware.
    let finish = () => {};
    const held = trackActivity({} as never, () => new Promise<void>((resolve) => (finish = resolve)));
    const yielded = await deliverBackfill(backfill.libraryId, backfill.id, 300);
    expect(yielded.explicitAcks).toEqual(['b1']);
    expect((await (await api(`/api/photos/${backfill.id}`, { token: backfill.token })).json<UploadResponse>()).photo.stages.exif?.attempts).toBe(0);

    finish();
    await held;
    await new Promise((r) => setTimeout(r, QUIET_AFTER_MS + 20));
    await deliverBackfill(backfill.libraryId, backfill.id, 0);
    expect((await waitForPhoto(backfill.id, backfill.token, settled)).status).toBe('completed');
  });

  it('an interactive batch developing here keeps backfill waiting until just after it ends', async () => {
    const fresh = await manualUpload('photo-noexif.jpg');
    await new Promise((r) => setTimeout(r, QUIET_AFTER_MS + 20)); // the upload's own request is long over
    expect(isolateBusy()).toBe(false);
    const batch = createMessageBatch<PipelineMessage>('darkroom-pipeline', [
      { id: 'i1', timestamp: new Date(), attempts: 1, body: { type: 'photo.process', libraryId: fresh.libraryId, photoId: fresh.id } },
    ]);
    await consume(batch, testEnv);
    expect(isolateBusy()).toBe(true); // its 201 and the client's next request are still on their way
    await new Promise((r) => setTimeout(r, QUIET_AFTER_MS + 20));
    expect(isolateBusy()).toBe(false);
  });

  it('uploads and a single retry are interactive; retry-all is backfill', async () => {
    const { token } = await newLibrary();
    const { photo } = await (await put(await fixture('bad-truncated.jpg'), 'bad.jpg', token)).json<UploadResponse>();
    expect(await lane(photo.id)).toBe('interactive');
    const failed = await waitForPhoto(photo.id, token, settled);
    await api('/api/photos/retry-failed', { method: 'POST', token });
    expect(await lane(photo.id)).toBe('backfill');
    await waitForPhoto(photo.id, token, (p) => p.status === 'failed' && p.updatedAt > failed.updatedAt);
    await api(`/api/photos/${photo.id}/retry`, { method: 'POST', token });
    expect(await lane(photo.id)).toBe('interactive');
  });
});
