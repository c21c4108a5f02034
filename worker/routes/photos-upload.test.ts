// Upload API: every fixture through PUT, hostile files refused with nothing left behind, dedupe, multipart.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, MultipartUploadResponse, UploadResponse } from '../contract/http';
import { toHex } from '../hash';
import { api, expectations, fixture, newLibrary, put, setSettings, testEnv } from '../test/helpers';

const exifDateToIso = (d: string, offset: string | null) => d.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T') + (offset ?? '');

async function leftovers(libraryId: string) {
  const objects = await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` });
  const rows = await testEnv.DB.prepare('SELECT count(*) AS n FROM photos WHERE library_id = ?').bind(libraryId).first<{ n: number }>();
  return { objects: objects.objects.length, rows: rows!.n };
}

describe('PUT /api/photos', async () => {
  const files = Object.entries(await expectations());

  it.each(files.filter(([, e]) => e.expected_outcome === 'accept'))('accepts %s with quick metadata in the ack', async (name, e) => {
    const { libraryId, token } = await newLibrary();
    const bytes = await fixture(name);
    const res = await put(bytes, name, token);
    expect(res.status).toBe(201);
    const { photo, duplicate } = await res.json<UploadResponse>();
    expect(duplicate).toBeUndefined();
    expect(photo).toMatchObject({
      filename: name, sha256: e.sha256, bytes: e.bytes, kind: 'image', status: 'pending',
      width: e.width, height: e.height, error: null,
    });
    expect(photo.stages).toEqual({
      exif: { status: 'pending', attempts: 0 },
      thumbnails: { status: 'pending', attempts: 0 },
      variants: { status: 'pending', attempts: 0 },
    });
    if (e.make) expect(photo.exif).toMatchObject({ make: e.make, model: e.model });
    if (e.make && e.datetime_original && !name.endsWith('.heic')) {
      expect(photo.exif?.takenAt).toBe(exifDateToIso(e.datetime_original, e.offset_time_original));
    }
    const stored = await testEnv.PHOTOS.get(`lib/${libraryId}/photos/${photo.id}/original`);
    expect(toHex(await crypto.subtle.digest('SHA-256', await stored!.arrayBuffer()))).toBe(e.sha256);
  });

  it.each([
    ['bad-zero-bytes.jpg', 400, 'empty_file'],
    ['bad-text-as.jpg', 415, 'unsupported_type'],
    ['polyglot-gif-php.gif', 415, 'unsupported_type'],
    ['bomb-png-65536x65536.png', 422, 'too_many_pixels'],
    ['bad-corrupt-header.jpg', 422, 'corrupt_image'],
  ])('refuses %s with %i %s and leaves nothing behind', async (name, status, code) => {
    const { libraryId, token } = await newLibrary();
    const res = await put(await fixture(name), name, token);
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Type')).toMatch(/application\/json/);
    const body = await res.json<ErrorBody>();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
  });

  it('refuses HTML and PHP uploaded under image names', async () => {
    const { token } = await newLibrary();
    for (const body of ['<!DOCTYPE html><script>alert(1)</script>', '<?php system($_GET["c"]); ?>']) {
      const res = await put(body, 'innocent.jpg', token, { 'Content-Type': 'image/jpeg' });
      expect(res.status).toBe(415);
    }
  });

  it('answers the same bytes again with 200 duplicate and stores them once', async () => {
    const { libraryId, token } = await newLibrary();
    const bytes = await fixture('photo-pixel-gps.jpg');
    const first = await (await put(bytes, 'a.jpg', token)).json<UploadResponse>();
    const again = await put(bytes, 'renamed.jpg', token);
    expect(again.status).toBe(200);
    const body = await again.json<UploadResponse>();
    expect(body).toEqual({ photo: first.photo, duplicate: true });
    expect(await leftovers(libraryId)).toEqual({ objects: 1, rows: 1 });
  });

  it('settles concurrent uploads of the same bytes on one photo', async () => {
    const { libraryId, token } = await newLibrary();
    const bytes = await fixture('orient-landscape-1.jpg');
    const answers = await Promise.all([1, 2, 3].map(() => put(bytes, 'same.jpg', token)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (r) => (await r.json<UploadResponse>()).photo.id)));
    expect(ids.size).toBe(1);
    expect(await leftovers(libraryId)).toEqual({ objects: 1, rows: 1 });
  });

  it('skips the transfer when the declared SHA-256 is already in the library', async () => {
    const { token } = await newLibrary();
    const bytes = await fixture('photo-fuji-iptc-gps.jpg');
    const { photo } = await (await put(bytes, 'x.jpg', token)).json<UploadResponse>();
    const res = await put('not even the same bytes', 'x.jpg', token, { 'X-Content-SHA256': photo.sha256 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ photo, duplicate: true });
  });

  it('refuses an upload whose bytes do not match the declared SHA-256', async () => {
    const { libraryId, token } = await newLibrary();
    const res = await put(await fixture('photo-noexif.jpg'), 'x.jpg', token, { 'X-Content-SHA256': 'a'.repeat(64) });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.code).toBe('checksum_mismatch');
    expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
  });

  // Above 256 KB a body is streamed: hashed by the worker, or verified by R2 when the client declares it.
  it.each([['without', false], ['with', true]])('streams a 48 MB body into R2 intact %s a declared SHA-256', async (_, declare) => {
    const { libraryId, token } = await newLibrary();
    const head = await fixture('photo-noexif.jpg');
    const size = 48 * 1024 * 1024;
    const block = (sent: number) => {
      const part = new Uint8Array(1024 * 1024).map((_, i) => (i + sent / 4096) & 0xff);
      if (sent === 0) part.set(head);
      return part;
    };
    const digest = new crypto.DigestStream('SHA-256');
    const hashWriter = digest.getWriter();
    for (let sent = 0; sent < size; sent += 1024 * 1024) await hashWriter.write(block(sent));
    await hashWriter.close();
    const sha256 = toHex(await digest.digest);

    const { readable, writable } = new FixedLengthStream(size);
    const writing = (async () => {
      const w = writable.getWriter();
      for (let sent = 0; sent < size; sent += 1024 * 1024) await w.write(block(sent));
      await w.close();
    })();
    const headers: Record<string, string> = declare ? { 'X-Content-SHA256': sha256 } : {};
    const res = await api('/api/photos?filename=big.jpg', { method: 'PUT', body: readable, token, headers });
    await writing;
    expect(res.status).toBe(201);
    const { photo } = await res.json<UploadResponse>();
    expect(photo).toMatchObject({ bytes: size, sha256, width: 480, height: 360 });
    const obj = await testEnv.PHOTOS.head(`lib/${libraryId}/photos/${photo.id}/original`);
    expect(obj?.size).toBe(size);
  });

  it('lets R2 catch a large body that does not match its declared SHA-256', async () => {
    const { libraryId, token } = await newLibrary();
    const res = await put(await fixture('photo-canon600d-gps-west.jpg'), 'x.jpg', token, { 'X-Content-SHA256': 'c'.repeat(64) });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.code).toBe('checksum_mismatch');
    expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
  });

  it('refuses a pixel bomb with a correct declared SHA-256 and removes the stored bytes', async () => {
    const { libraryId, token } = await newLibrary();
    const bytes = await fixture('bomb-png-65536x65536.png');
    const sha256 = toHex(await crypto.subtle.digest('SHA-256', bytes));
    const res = await put(bytes, 'bomb.png', token, { 'X-Content-SHA256': sha256 });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.code).toBe('too_many_pixels');
    expect(await leftovers(libraryId)).toEqual({ objects: 0, rows: 0 });
  });

  it('accepts a large photo with its declared SHA-256 and reads its head back for metadata', async () => {
    const { token } = await newLibrary();
    const bytes = await fixture('photo-blackberry-orient6.jpg');
    const sha256 = toHex(await crypto.subtle.digest('SHA-256', bytes));
    const res = await put(bytes, 'bb.jpg', token, { 'X-Content-SHA256': sha256 });
    expect(res.status).toBe(201);
    expect((await res.json<UploadResponse>()).photo).toMatchObject({ sha256, width: 1836, height: 3264, exif: { make: 'BlackBerry' } });
  });

  it('requires Content-Length', async () => {
    const { token } = await newLibrary();
    const stream = new ReadableStream({ start: (c) => { c.enqueue(new Uint8Array([0xff, 0xd8, 0xff])); c.close(); } });
    const res = await api('/api/photos?filename=x.jpg', { method: 'PUT', body: stream, token });
    expect(res.status).toBe(411);
    expect((await res.json<ErrorBody>()).error.code).toBe('length_required');
  });
});

describe('POST /api/photos (multipart)', () => {
  it('takes several files and reports each one', async () => {
    const { libraryId, token } = await newLibrary();
    const form = new FormData();
    form.append('file', new File([await fixture('photo-kodak-gps-south.jpg')], 'kodak.jpg'));
    form.append('file', new File([await fixture('bad-text-as.jpg')], 'text.jpg'));
    form.append('file', new File([await fixture('photo-kodak-gps-south.jpg')], 'kodak-again.jpg'));
    form.append('file', new File([await fixture('webp-htc-exif-gps.webp')], '../../etc/htc.webp'));
    const res = await api('/api/photos', { method: 'POST', body: form, token });
    expect(res.status).toBe(201);
    const { results } = await res.json<MultipartUploadResponse>();
    expect(results.map((r) => r.filename)).toEqual(['kodak.jpg', 'text.jpg', 'kodak-again.jpg', 'htc.webp']);
    expect(results[0].photo?.exif).toMatchObject({ make: 'EASTMAN KODAK COMPANY', takenAt: '2005-08-13T09:47:23' });
    expect(results[1].error?.code).toBe('unsupported_type');
    expect(results[2]).toMatchObject({ duplicate: true, photo: { id: results[0].photo?.id } });
    expect(results[3].photo).toMatchObject({ mime: 'image/webp', width: 776, height: 909, exif: { make: 'HTC' } });
    expect(await leftovers(libraryId)).toEqual({ objects: 2, rows: 2 });
  });

  it('stores a batch with declared hashes together, in order: a repeat is the first one\'s duplicate, a wrong hash is refused', async () => {
    const { libraryId, token } = await newLibrary();
    const names = ['orient-landscape-1.jpg', 'orient-landscape-2.jpg', 'orient-landscape-3.jpg', 'orient-landscape-4.jpg', 'orient-landscape-5.jpg'];
    const bytes = await Promise.all(names.map((n) => fixture(n)));
    const sha = async (b: ArrayBuffer | Uint8Array) => toHex(await crypto.subtle.digest('SHA-256', b));
    const form = new FormData();
    const add = async (b: Uint8Array, name: string, declared?: string) => {
      form.append('file', new File([b], name));
      form.append('sha256', declared ?? await sha(b));
    };
    for (const [i, b] of bytes.entries()) await add(b, names[i]);
    await add(bytes[0], 'again.jpg');
    await add(bytes[1], 'lying.jpg', await sha(bytes[2]).then((h) => h.replace(/^./, (c) => (c === '0' ? '1' : '0'))));
    const res = await api('/api/photos', { method: 'POST', body: form, token });
    expect(res.status).toBe(201);
    const { results } = await res.json<MultipartUploadResponse>();
    expect(results.map((r) => r.filename)).toEqual([...names, 'again.jpg', 'lying.jpg']);
    for (const r of results.slice(0, 5)) expect(r.photo && !r.duplicate).toBe(true);
    expect(results[5]).toMatchObject({ duplicate: true, photo: { id: results[0].photo?.id } });
    expect(results[6].error?.code).toBe('checksum_mismatch');
    expect(await leftovers(libraryId)).toEqual({ objects: 5, rows: 5 });

    const odd = new FormData();
    odd.append('file', new File([bytes[0]], 'a.jpg'));
    const refused = await api('/api/photos', { method: 'POST', body: (odd.append('sha256', 'nope'), odd), token });
    expect(refused.status).toBe(400);
    expect((await refused.json<ErrorBody>()).error.code).toBe('invalid_request');
  });

  it('says per file when the library is over its uploads per minute, and when to come back', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { uploadsPerMinute: 2, autoProcessOnUpload: false });
    const form = new FormData();
    for (const n of ['orient-landscape-6.jpg', 'orient-landscape-7.jpg', 'orient-landscape-8.jpg']) form.append('file', new File([await fixture(n)], n));
    const { results } = await (await api('/api/photos', { method: 'POST', body: form, token })).json<MultipartUploadResponse>();
    expect(results.filter((r) => r.photo)).toHaveLength(2);
    const limited = results.find((r) => r.error)!;
    expect(limited.error).toMatchObject({ code: 'rate_limited' });
    expect(limited.error!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.error!.retryAfter).toBeLessThanOrEqual(60);
  });

  it('explains what it wants when the body is not a form', async () => {
    const res = await api('/api/photos', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).error.code).toBe('invalid_request');
  });
});
