// A completed image never has null dimensions; the pixel limit is checked again right before a decode;
// GPS at (0, 0) is a place, not "no GPS".
import { describe, expect, it } from 'vitest';
import type { UploadResponse } from '../contract/http';
import { newLibrary, put, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';
import { developPhoto } from './run';

async function load(path: string): Promise<Uint8Array> {
  const res = await testEnv.FIXTURES.fetch(`http://fixtures/${path}`);
  if (!res.ok) throw new Error(await res.text());
  return new Uint8Array(await res.arrayBuffer());
}

/** Uploaded with auto-processing off, so the test decides what the row looks like before the run. */
async function uploadIdle(path: string) {
  const { libraryId, token } = await newLibrary();
  await setSettings(token, { autoProcessOnUpload: false });
  const res = await put(await load(path), path.split('/').pop()!, token);
  expect(res.status).toBe(201);
  const { photo } = await res.json<UploadResponse>();
  return { libraryId, token, id: photo.id };
}

async function row(id: string) {
  return testEnv.DB.prepare('SELECT width, height, status, error FROM photos WHERE id = ?').bind(id).first<{ width: number | null; height: number | null; status: string; error: string | null }>();
}

describe('dimensions in the pipeline', () => {
  it.each([
    ['hostile/jpeg-sof-after-320k-icc.jpg', 64, 48],
    ['hostile/tiff-ifd-after-800k.tiff', 64, 48],
    ['heif-variants/xr-meta-after-mdat.heic', 512, 1024],
    ['photos/orient-landscape-6.jpg', null, null],
  ])('the exif stage fills the unknown size of %s', async (path, w, h) => {
    const { libraryId, id } = await uploadIdle(path);
    const uploaded = await row(id);
    await testEnv.DB.prepare('UPDATE photos SET width = NULL, height = NULL WHERE id = ?').bind(id).run();
    await developPhoto(testEnv, { type: 'photo.process', libraryId, photoId: id });
    const after = await row(id);
    expect(after!.status).toBe('completed');
    expect([after!.width, after!.height]).toEqual(w === null ? [uploaded!.width, uploaded!.height] : [w, h]);
    expect(after!.width).not.toBeNull();
  });

  it('every HEIF layout and every accepted hostile file completes with its size', async () => {
    const { token } = await newLibrary();
    const variants = Object.keys((await (await testEnv.FIXTURES.fetch('http://fixtures/heif-variants/expectations.json')).json<{ files: object }>()).files);
    for (const path of [...variants.map((n) => `heif-variants/${n}`), 'hostile/jpeg-sof-after-320k-icc.jpg', 'hostile/tiff-ifd-after-800k.tiff']) {
      const res = await put(await load(path), 'x', token);
      const { photo } = await res.json<UploadResponse>();
      const done = await waitForPhoto(photo.id, token, settled, 60_000);
      expect([path, done.status]).toEqual([path, 'completed']);
      expect(done.width! * done.height!).toBeGreaterThan(0);
    }
  }, 180_000);

  it('refuses to decode an image over the pixel limit, even when the upload let it in', async () => {
    const { libraryId, id } = await uploadIdle('photos/photo-noexif.jpg');
    await testEnv.DB.prepare('UPDATE photos SET width = 20000, height = 20000 WHERE id = ?').bind(id).run();
    await developPhoto(testEnv, { type: 'photo.process', libraryId, photoId: id });
    const after = await row(id);
    expect(after!.status).toBe('failed');
    expect(after!.error).toMatch(/400\.0 MP\); the limit is/);
    const objects = await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/photos/${id}/` });
    expect(objects.objects.map((o) => o.key.split('/').pop())).toEqual(['original']);
  });

  it('keeps GPS at (0, 0) and drops a fix the receiver marked void', async () => {
    const { token } = await newLibrary();
    const gps = async (name: string) => {
      const res = await put(await load(`gps/${name}`), name, token);
      const { photo } = await res.json<UploadResponse>();
      return (await waitForPhoto(photo.id, token, settled)).exif?.gps;
    };
    expect(await gps('gps-null-island.jpg')).toEqual({ latitude: 0, longitude: 0, altitude: 3 });
    expect(await gps('gps-void-fix.jpg')).toBeNull();
  });
});
