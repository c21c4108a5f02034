// M7/L8: a run claims its photo. Deleting a photo mid-run leaves no objects, a double delivery develops
// it once, a cancel that lands as a run starts stays cancelled, and the sweep's reconciliation removes
// R2 objects that have no row while leaving young ones (uploads in flight) alone.
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import type { PipelineMessage } from '../contract/queue';
import { deletePhotoRow } from '../db/photos';
import { cancelPending } from '../db/pipeline-retry';
import { deletePhotoObjects } from '../storage/keys';
import { fixture, newLibrary, put, setSettings, testEnv } from '../test/helpers';
import { reconcileOrphans } from './reconcile';
import { developPhoto } from './run';

async function manualUpload(name = 'photo-canon600d-gps-west.jpg') {
  const { libraryId, token } = await newLibrary();
  await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: false });
  const res = await put(await fixture(name), name, token);
  expect(res.status).toBe(201);
  const { photo } = await res.json<UploadResponse>();
  const message: PipelineMessage = { type: 'photo.process', libraryId, photoId: photo.id };
  return { libraryId, token, id: photo.id, message };
}

async function keys(prefix: string) {
  return (await testEnv.PHOTOS.list({ prefix })).objects.map((o) => o.key.split('/').pop()).sort();
}

/** The real R2 binding; `onPut` runs before each put (to act in the middle of a stage) and counts them. */
function watchedPuts(onPut: (key: string) => Promise<void> | void): typeof testEnv {
  const photos = new Proxy(testEnv.PHOTOS, {
    get(target, prop) {
      if (prop !== 'put') return Reflect.get(target, prop).bind(target);
      return async (key: string, ...rest: unknown[]) => {
        await onPut(key);
        return (target.put as (...a: unknown[]) => unknown)(key, ...rest);
      };
    },
  });
  return { ...testEnv, PHOTOS: photos };
}

describe('run claims', () => {
  it('a photo deleted while its thumbnails render leaves no objects behind', async () => {
    const { libraryId, id, message } = await manualUpload();
    let deleted = false;
    const env = watchedPuts(async (key) => {
      if (deleted || !key.endsWith('thumb-600.webp')) return;
      deleted = true;
      // What DELETE /api/photos/:id does, while the stage is between two puts.
      await deletePhotoObjects(testEnv.PHOTOS, libraryId, id);
      await deletePhotoRow(testEnv.DB, libraryId, id, Date.now());
    });
    expect(await developPhoto(env, message)).toEqual({ done: true });
    expect(deleted).toBe(true);
    expect(await keys(`lib/${libraryId}/`)).toEqual([]);
  });

  it('a double delivery develops the photo once', async () => {
    const { id, message } = await manualUpload();
    const puts: string[] = [];
    const env = watchedPuts((key) => void puts.push(key.split('/').pop()!));
    const outcomes = await Promise.all([developPhoto(env, message), developPhoto(env, message)]);
    expect(outcomes).toEqual([{ done: true }, { done: true }]);
    const stages = await testEnv.DB.prepare(`SELECT stage, status, attempts FROM photo_stages WHERE photo_id = ? AND stage != 'analysis' ORDER BY stage`).bind(id).all();
    expect(stages.results).toEqual([
      { stage: 'exif', status: 'completed', attempts: 1 },
      { stage: 'thumbnails', status: 'completed', attempts: 1 },
      { stage: 'variants', status: 'completed', attempts: 1 },
    ]);
    expect(puts.filter((k) => k === 'thumb-600.webp')).toHaveLength(1);
  });

  it('a cancel that lands as a run starts stays cancelled', async () => {
    const { libraryId, id, message } = await manualUpload();
    let cancelled = false;
    // The first write of the run is where it takes the photo; the cancel lands just before it.
    const db = new Proxy(testEnv.DB, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== 'batch') return typeof value === 'function' ? value.bind(target) : value;
        return async (statements: D1PreparedStatement[]) => {
          if (!cancelled) cancelled = await cancelPending(target, libraryId, id, Date.now());
          return target.batch(statements);
        };
      },
    });
    await developPhoto({ ...testEnv, DB: db }, message);
    expect(cancelled).toBe(true);
    const row = await testEnv.DB.prepare('SELECT status, error FROM photos WHERE id = ?').bind(id).first();
    expect(row).toEqual({ status: 'failed', error: 'Cancelled before processing started.' });
    expect(await keys(`lib/${libraryId}/photos/${id}/`)).toEqual(['original']);
  });
});

describe('reconciliation', () => {
  async function reconcileAll(now: number) {
    let deleted = 0;
    for (let pass = 0; pass < 100; pass++) {
      const r = await reconcileOrphans(testEnv, now, 50);
      deleted += r.deleted;
      if (r.wrapped) return deleted;
    }
    throw new Error('the listing never wrapped');
  }

  it('deletes objects with no row once they are past the grace period, and only those', async () => {
    const { libraryId, id } = await manualUpload('photo-noexif.jpg');
    const ghost = `lib/${libraryId}/photos/ghost0000000000000000/`;
    await testEnv.PHOTOS.put(`${ghost}original`, 'orphaned bytes');
    await testEnv.PHOTOS.put(`${ghost}thumb-150.webp`, 'orphaned thumbnail');
    await testEnv.PHOTOS.put(`lib/${libraryId}/other/keep.txt`, 'not a photo key');

    await reconcileAll(Date.now()); // young: an upload in flight stores its bytes before its row
    expect(await keys(ghost)).toEqual(['original', 'thumb-150.webp']);

    await reconcileAll(Date.now() + 2 * 3_600_000);
    expect(await keys(ghost)).toEqual([]);
    expect(await keys(`lib/${libraryId}/photos/${id}/`)).toEqual(['original']);
    expect(await keys(`lib/${libraryId}/other/`)).toEqual(['keep.txt']);
  });

  it('continues from its cursor: one bounded page per run', async () => {
    const { libraryId } = await newLibrary();
    for (let i = 0; i < 5; i++) await testEnv.PHOTOS.put(`lib/${libraryId}/photos/orphan${i}/original`, 'x');
    const first = await reconcileOrphans(testEnv, Date.now() + 2 * 3_600_000, 2);
    expect(first.listed).toBeLessThanOrEqual(2);
    await reconcileAll(Date.now() + 2 * 3_600_000);
    expect(await keys(`lib/${libraryId}/photos/`)).toEqual([]);
  });
});
