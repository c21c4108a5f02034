// Reading, listing, dedupe checks, originals, deletion, auth and library isolation.
import { describe, expect, it } from 'vitest';
import type { CheckResponse, ErrorBody, PhotoListResponse, PhotoResponse, UploadResponse } from '../contract/http';
import { api, DEFAULT_TOKEN, fixture, newLibrary, put, setSettings, testEnv } from '../test/helpers';

async function upload(name: string, token: string) {
  const res = await put(await fixture(name), name, token);
  expect(res.status).toBe(201);
  return (await res.json<UploadResponse>()).photo;
}

describe('auth', () => {
  it.each([
    ['no header', null],
    ['a wrong token', 'nope'],
  ])('answers %s with 401 JSON on every route', async (_, token) => {
    for (const [method, path] of [['GET', '/api/photos'], ['PUT', '/api/photos?filename=a.jpg'], ['GET', '/api/photos/x'], ['POST', '/api/photos/check'], ['GET', '/api/unknown']]) {
      const res = await api(path, { method, token, body: method === 'GET' ? undefined : 'x' });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect((await res.json<ErrorBody>()).error.code).toBe('unauthorized');
    }
  });

  it('maps the API_TOKEN secret to the default library', async () => {
    const res = await api('/api/photos?limit=1', { token: DEFAULT_TOKEN });
    expect(res.status).toBe(200);
  });

  it('stores tokens only as hashes', async () => {
    const { token } = await newLibrary();
    const row = await testEnv.DB.prepare('SELECT count(*) AS n FROM api_tokens WHERE token_hash = ?').bind(token).first<{ n: number }>();
    expect(row!.n).toBe(0);
  });
});

describe('library isolation', () => {
  it("never lets one library read, list, check, download or delete another's photo", async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    const photo = await upload('photo-canon600d-gps-west.jpg', a.token);
    for (const [method, path] of [['GET', `/api/photos/${photo.id}`], ['GET', `/api/photos/${photo.id}/original`], ['DELETE', `/api/photos/${photo.id}`]]) {
      const res = await api(path, { method, token: b.token });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await res.json<ErrorBody>()).error.code).toBe('not_found');
    }
    const list = await (await api('/api/photos', { token: b.token })).json<PhotoListResponse>();
    expect(list.photos).toEqual([]);
    const check = await api('/api/photos/check', { method: 'POST', token: b.token, body: JSON.stringify({ sha256: [photo.sha256] }), headers: { 'Content-Type': 'application/json' } });
    expect(await check.json()).toEqual({ existing: {} });
    // The same bytes in library B are a new photo there, not a duplicate of A's.
    const again = await put(await fixture('photo-canon600d-gps-west.jpg'), 'x.jpg', b.token);
    expect(again.status).toBe(201);
    expect((await api(`/api/photos/${photo.id}`, { token: a.token })).status).toBe(200);
  });
});

describe('POST /api/photos/check', () => {
  it('maps hashes the library has to photo ids, case-insensitively', async () => {
    const { token } = await newLibrary();
    const photo = await upload('photo-noexif-coffee.png', token);
    const unknown = 'b'.repeat(64);
    const res = await api('/api/photos/check', {
      method: 'POST', token, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sha256: [photo.sha256.toUpperCase(), unknown] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json<CheckResponse>()).toEqual({ existing: { [photo.sha256]: photo.id } });
  });

  it('rejects malformed bodies with invalid_request', async () => {
    for (const body of ['{"sha256": ["xyz"]}', '{"sha256": "abc"}', 'not json', JSON.stringify({ sha256: Array(1001).fill('a'.repeat(64)) })]) {
      const res = await api('/api/photos/check', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      expect(res.status, body.slice(0, 30)).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toBe('invalid_request');
    }
  });
});

describe('GET /api/photos', () => {
  it('lists newest first with cursor pagination and a status filter', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { autoProcessOnUpload: false }); // keep them pending for the filter
    const names = ['orient-landscape-2.jpg', 'orient-landscape-3.jpg', 'orient-landscape-4.jpg', 'orient-landscape-5.jpg', 'orient-landscape-6.jpg'];
    const ids: string[] = [];
    for (const n of names) ids.push((await upload(n, token)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PhotoListResponse = await (await api(`/api/photos?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token })).json();
      expect(page.photos.length).toBeLessThanOrEqual(2);
      seen.push(...page.photos.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const pending = await (await api('/api/photos?status=pending', { token })).json<PhotoListResponse>();
    expect(pending.photos).toHaveLength(5);
    const failed = await (await api('/api/photos?status=failed', { token })).json<PhotoListResponse>();
    expect(failed.photos).toHaveLength(0);
  });

  it('validates its query', async () => {
    for (const q of ['limit=0', 'limit=500', 'limit=abc', 'status=weird', 'cursor=../../x']) {
      const res = await api(`/api/photos?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json<ErrorBody>()).error.code).toBe('invalid_request');
    }
  });
});

describe('GET /api/photos/:id and /original', () => {
  it('returns the photo, and 404 JSON for unknown ids', async () => {
    const { token } = await newLibrary();
    const photo = await upload('heic-iphonexr-orient6-gps.heic', token);
    const res = await api(`/api/photos/${photo.id}`, { token });
    expect(await res.json<PhotoResponse>()).toEqual({ photo });
    expect(photo).toMatchObject({ mime: 'image/heic', width: 3024, height: 4032 });
    for (const id of ['0000000000000000000000', 'zzzzzzzzzzzzzzzzzzzzz', "'; DROP TABLE photos; --"]) {
      const missing = await api(`/api/photos/${encodeURIComponent(id)}`, { token });
      expect(missing.status).toBe(404);
    }
  });

  it('streams the original with ETag, ranges, conditional GET and safe headers', async () => {
    const { token } = await newLibrary();
    const bytes = await fixture('polyglot-jpeg-zip.jpg');
    const photo = await upload('polyglot-jpeg-zip.jpg', token);
    const url = `/api/photos/${photo.id}/original`;

    const full = await api(url, { token });
    expect(full.status).toBe(200);
    expect(full.headers.get('Content-Type')).toBe('image/jpeg');
    expect(full.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(full.headers.get('Content-Length')).toBe(String(bytes.length));
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(bytes);
    const etag = full.headers.get('ETag')!;
    expect(etag).toMatch(/^"/);

    const part = await api(url, { token, headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe(`bytes 10-19/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));

    const tail = await api(url, { token, headers: { Range: 'bytes=-5' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));

    const past = await api(url, { token, headers: { Range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    await past.arrayBuffer();

    const cached = await api(url, { token, headers: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
  });
});

describe('DELETE /api/photos/:id', () => {
  it('removes the row and every object, and is a 404 afterwards', async () => {
    const { libraryId, token } = await newLibrary();
    const photo = await upload('anim-rotating-squares.gif', token);
    // A derived file, as the pipeline will write: deletion must take it too.
    await testEnv.PHOTOS.put(`lib/${libraryId}/photos/${photo.id}/thumb-150.webp`, 'x');
    const res = await api(`/api/photos/${photo.id}`, { method: 'DELETE', token });
    expect(res.status).toBe(204);
    expect((await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` })).objects).toEqual([]);
    expect((await api(`/api/photos/${photo.id}`, { token })).status).toBe(404);
    expect((await api(`/api/photos/${photo.id}`, { method: 'DELETE', token })).status).toBe(404);
    const stages = await testEnv.DB.prepare('SELECT count(*) AS n FROM photo_stages WHERE photo_id = ?').bind(photo.id).first<{ n: number }>();
    expect(stages!.n).toBe(0);
  });
});
