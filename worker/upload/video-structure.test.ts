// L3: an MP4/MOV is accepted only with a valid box structure; a fake one is not a video (415), a broken
// one is a damaged video (422 corrupt_video); downloads carry the detected type's extension.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, UploadResponse } from '../contract/http';
import { api, fixtureAt, newLibrary, put, testEnv } from '../test/helpers';
import { downloadName } from '../storage/download-name';

interface Video { expected_outcome: 'accept' | 'reject'; error?: string }

async function leftovers(libraryId: string) {
  const objects = await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` });
  const rows = await testEnv.DB.prepare('SELECT count(*) AS n FROM photos WHERE library_id = ?').bind(libraryId).first<{ n: number }>();
  return { objects: objects.objects.length, rows: rows!.n };
}

describe('video uploads', async () => {
  const files = Object.entries((await (await testEnv.FIXTURES.fetch('http://fixtures/videos/expectations.json')).json<{ files: Record<string, Video> }>()).files);

  it.each(files)('%s', async (name, e) => {
    const { libraryId, token } = await newLibrary();
    const res = await put(await fixtureAt(`videos/${name}`), name, token);
    if (e.expected_outcome === 'accept') {
      expect(res.status).toBe(201);
      expect((await res.json<UploadResponse>()).photo.kind).toBe('video');
      return;
    }
    const expected = e.error === 'not_video' ? [415, 'unsupported_type'] : [422, 'corrupt_video'];
    expect([res.status, (await res.json<ErrorBody>()).error.code]).toEqual(expected);
    expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
  });

  it('saves a download under the detected type, whatever the uploaded name', async () => {
    const { token } = await newLibrary();
    const res = await put(await fixtureAt('videos/h264-rot90-gps.mp4'), 'clip.html', token);
    const { photo } = await res.json<UploadResponse>();
    const original = await api(`/api/photos/${photo.id}/original`, { token });
    expect(original.status).toBe(200);
    expect(original.headers.get('Content-Disposition')).toBe("inline; filename*=UTF-8''clip.mp4");
    await original.arrayBuffer();
  });

  it.each([
    ['v.html', 'video/mp4', 'v.mp4'], ['IMG_1.JPG', 'image/jpeg', 'IMG_1.JPG'], ['scan.tif', 'image/tiff', 'scan.tif'],
    ['noext', 'image/png', 'noext.png'], ['a.b.mov', 'video/quicktime', 'a.b.mov'], ['x.heif', 'image/heic', 'x.heif'],
    ['movie.mov', 'video/mp4', 'movie.mp4'], ['.hidden', 'image/webp', '.hidden.webp'],
  ])('downloadName(%s, %s) = %s', (name, mime, want) => expect(downloadName(name, mime)).toBe(want));
});
