// Resumable uploads: parts in any order, resume by asking what arrived, head inspection, verification.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, UploadResponse } from '../contract/http';
import type { UploadSessionResponse } from '../contract/uploads';
import { toHex } from '../hash';
import { api, fixture, newLibrary, put, testEnv } from '../test/helpers';
import { PART_SIZE } from '../upload/resumable';

async function bigFile(head: Uint8Array, size = PART_SIZE + 1_234_567) {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
  bytes.set(head);
  return { bytes, sha256: toHex(await crypto.subtle.digest('SHA-256', bytes)) };
}

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

async function create(token: string, size: number, sha256: string, filename = 'big.jpg') {
  return api('/api/uploads', { ...json({ filename, size, sha256 }), token });
}

function sendPart(token: string, id: string, n: number, bytes: Uint8Array) {
  const part = bytes.subarray((n - 1) * PART_SIZE, n * PART_SIZE);
  return api(`/api/uploads/${id}/parts/${n}`, { method: 'PUT', body: part, token });
}

describe('resumable uploads', () => {
  it('takes parts in any order, tells a resuming client what it has, and completes into a photo', async () => {
    const { libraryId, token } = await newLibrary();
    const { bytes, sha256 } = await bigFile(await fixture('photo-pixel-gps.jpg'));
    const created = await create(token, bytes.length, sha256);
    expect(created.status).toBe(201);
    const { upload } = await created.json<UploadSessionResponse>();
    expect(upload).toMatchObject({ partSize: PART_SIZE, partCount: 2, parts: [] });

    expect((await sendPart(token, upload.id, 2, bytes)).status).toBe(200);
    // The connection drops here; the client comes back and asks.
    const resumed = await (await api(`/api/uploads/${upload.id}`, { token })).json<UploadSessionResponse>();
    expect(resumed.upload.parts).toEqual([2]);
    expect((await sendPart(token, upload.id, 1, bytes)).status).toBe(200);

    const done = await api(`/api/uploads/${upload.id}/complete`, { method: 'POST', token });
    expect(done.status).toBe(201);
    const { photo } = await done.json<UploadResponse>();
    expect(photo).toMatchObject({ sha256, bytes: bytes.length, mime: 'image/jpeg', width: 1012, height: 759, exif: { make: 'Google' } });
    expect((await testEnv.PHOTOS.head(`lib/${libraryId}/photos/${photo.id}/original`))?.size).toBe(bytes.length);
    expect((await api(`/api/uploads/${upload.id}`, { token })).status).toBe(404);
    // The same bytes again are known before any part is sent.
    const again = await create(token, bytes.length, sha256);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, photo: { id: photo.id } });
  });

  it('refuses a file whose first part is not a photo, leaving nothing behind', async () => {
    const { libraryId, token } = await newLibrary();
    const { bytes, sha256 } = await bigFile(new TextEncoder().encode('<?php echo "hi"; ?>'));
    const { upload } = await (await create(token, bytes.length, sha256)).json<UploadSessionResponse>();
    const res = await sendPart(token, upload.id, 1, bytes);
    expect(res.status).toBe(415);
    expect((await res.json<ErrorBody>()).error.code).toBe('unsupported_type');
    expect((await api(`/api/uploads/${upload.id}`, { token })).status).toBe(404);
    expect((await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` })).objects).toEqual([]);
  });

  it('checks part sizes, refuses to complete with parts missing, and verifies the hash', async () => {
    const { libraryId, token } = await newLibrary();
    const { bytes } = await bigFile(await fixture('photo-noexif.jpg'));
    const { upload } = await (await create(token, bytes.length, 'f'.repeat(64))).json<UploadSessionResponse>();
    const short = await api(`/api/uploads/${upload.id}/parts/1`, { method: 'PUT', body: bytes.subarray(0, 1000), token });
    expect((await short.json<ErrorBody>()).error.code).toBe('length_mismatch');
    await sendPart(token, upload.id, 1, bytes);
    const early = await api(`/api/uploads/${upload.id}/complete`, { method: 'POST', token });
    expect(early.status).toBe(409);
    await sendPart(token, upload.id, 2, bytes);
    const wrong = await api(`/api/uploads/${upload.id}/complete`, { method: 'POST', token });
    expect(wrong.status).toBe(400);
    expect((await wrong.json<ErrorBody>()).error.code).toBe('checksum_mismatch');
    expect((await testEnv.PHOTOS.list({ prefix: `lib/${libraryId}/` })).objects).toEqual([]);
    const rows = await testEnv.DB.prepare('SELECT count(*) AS n FROM photos WHERE library_id = ?').bind(libraryId).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("is invisible to other libraries and can be cancelled", async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    const { bytes, sha256 } = await bigFile(await fixture('photo-noexif.jpg'));
    const { upload } = await (await create(a.token, bytes.length, sha256)).json<UploadSessionResponse>();
    expect((await api(`/api/uploads/${upload.id}`, { token: b.token })).status).toBe(404);
    expect((await sendPart(b.token, upload.id, 1, bytes)).status).toBe(404);
    expect((await api(`/api/uploads/${upload.id}`, { method: 'DELETE', token: a.token })).status).toBe(204);
    expect((await api(`/api/uploads/${upload.id}`, { token: a.token })).status).toBe(404);
    // Small files keep using the plain PUT.
    expect((await put(await fixture('photo-noexif.jpg'), 'x.jpg', a.token)).status).toBe(201);
  });
});
