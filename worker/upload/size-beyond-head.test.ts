// Item 2 / M2: an image's pixel size is always known before it is accepted. Sizes beyond the 256 KB
// head are read on from the stored object; bombs hidden there are refused; an image with no readable
// size is corrupt. Every upload path is checked: streamed PUT, PUT with a declared SHA-256, and multipart.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, MultipartUploadResponse, UploadResponse } from '../contract/http';
import { toHex } from '../hash';
import { api, fixtureAt, newLibrary, put, settled, testEnv, waitForPhoto } from '../test/helpers';

interface Hostile { expected_outcome: 'accept' | 'reject'; expected_error: string | null; width: number; height: number }

async function leftovers(libraryId: string) {
  const objects = await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` });
  const rows = await testEnv.DB.prepare('SELECT count(*) AS n FROM photos WHERE library_id = ?').bind(libraryId).first<{ n: number }>();
  return { objects: objects.objects.length, rows: rows!.n };
}

type Path = 'streamed' | 'verified' | 'multipart';
async function upload(bytes: Uint8Array, name: string, token: string, path: Path): Promise<{ status: number; code?: string; photo?: UploadResponse['photo'] }> {
  if (path === 'multipart') {
    const form = new FormData();
    form.append('file', new File([bytes], name));
    const res = await api('/api/photos', { method: 'POST', body: form, token });
    const { results } = await res.json<MultipartUploadResponse>();
    const r = results[0];
    return r.error ? { status: 422, code: r.error.code } : { status: 201, photo: r.photo };
  }
  const headers: HeadersInit = path === 'verified' ? { 'X-Content-SHA256': toHex(await crypto.subtle.digest('SHA-256', bytes)) } : {};
  const res = await put(bytes, name, token, headers);
  if (res.status !== 201) return { status: res.status, code: (await res.json<ErrorBody>()).error.code };
  return { status: 201, photo: (await res.json<UploadResponse>()).photo };
}

/** A JPEG whose frame header was turned into an APP5 segment: walkable, but it has no size anywhere. */
function withoutFrameHeader(jpeg: Uint8Array, sofOffset: number): Uint8Array {
  const b = jpeg.slice();
  if (b[sofOffset] !== 0xff || b[sofOffset + 1] !== 0xc0) throw new Error('fixture layout changed');
  b[sofOffset + 1] = 0xe5;
  return b;
}

describe('sizes beyond the head', async () => {
  const files = Object.entries((await (await testEnv.FIXTURES.fetch('http://fixtures/hostile/expectations.json')).json<{ files: Record<string, Hostile> }>()).files);
  const cases = files.flatMap(([name, e]) => (['streamed', 'verified', 'multipart'] as const).map((path) => [name, path, e] as const));

  it.each(cases)('%s (%s)', async (name, path, e) => {
    const { libraryId, token } = await newLibrary();
    const r = await upload(await fixtureAt(`hostile/${name}`), name, token, path);
    if (e.expected_outcome === 'reject') {
      expect([r.status, r.code]).toEqual([422, e.expected_error]);
      expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
      return;
    }
    expect(r.status).toBe(201);
    expect([r.photo!.width, r.photo!.height]).toEqual([e.width, e.height]);
  });

  it('refuses a JPEG with no frame header anywhere as corrupt_image, leaving nothing', async () => {
    const { libraryId, token } = await newLibrary();
    const bytes = withoutFrameHeader(await fixtureAt('hostile/jpeg-sof-after-320k-icc.jpg'), 328051);
    for (const path of ['streamed', 'verified'] as const) {
      expect(await upload(bytes, 'nosof.jpg', token, path)).toMatchObject({ status: 422, code: 'corrupt_image' });
    }
    expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
  });

  it('develops the accepted ones with their dimensions kept', async () => {
    const { token } = await newLibrary();
    for (const name of ['jpeg-sof-after-320k-icc.jpg', 'tiff-ifd-after-800k.tiff']) {
      const r = await upload(await fixtureAt(`hostile/${name}`), name, token, 'streamed');
      const photo = await waitForPhoto(r.photo!.id, token, settled);
      expect(photo.status).toBe('completed');
      expect([photo.width, photo.height]).toEqual([64, 48]);
    }
  });
});
