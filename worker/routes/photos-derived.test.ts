// derivedFrom (issue 15): an export saved back into the library records its source photo through the
// normal upload path; a source of another library, or none, is refused before anything is stored.
import { describe, expect, it } from 'vitest';
import type { ErrorBody, PhotoListResponse, PhotoResponse, UploadResponse } from '../contract/http';
import type { EventRow } from '../db/events';
import { toFeedEvent } from '../feed/publish';
import { api, fixture, newLibrary, put, testEnv } from '../test/helpers';

const upload = async (name: string, token: string, derivedFrom?: string, bytes?: Uint8Array) => {
  const q = derivedFrom ? `&derivedFrom=${derivedFrom}` : '';
  return api(`/api/photos?filename=${encodeURIComponent(name)}${q}`, { method: 'PUT', body: bytes ?? (await fixture(name)), token });
};

describe('PUT /api/photos?derivedFrom=', () => {
  it('records the source on the new photo, in the ack, the read, the list and the feed event', async () => {
    const { libraryId, token } = await newLibrary();
    const source = (await (await put(await fixture('photo-pixel-gps.jpg'), 'photo-pixel-gps.jpg', token)).json<UploadResponse>()).photo;
    const res = await upload('orient-portrait-6.jpg', token, source.id);
    expect(res.status).toBe(201);
    const { photo } = await res.json<UploadResponse>();
    expect(photo.derivedFrom).toBe(source.id);
    const read = await (await api(`/api/photos/${photo.id}`, { token })).json<PhotoResponse>();
    expect(read.photo.derivedFrom).toBe(source.id);
    const list = await (await api('/api/photos', { token })).json<PhotoListResponse>();
    expect(list.photos.find((p) => p.id === photo.id)?.derivedFrom).toBe(source.id);
    expect(list.photos.find((p) => p.id === source.id)).not.toHaveProperty('derivedFrom');
    const row = await testEnv.DB.prepare(`SELECT seq, type, photo_id, payload, created_at FROM events WHERE library_id = ? AND type = 'photo.created' ORDER BY seq DESC LIMIT 1`)
      .bind(libraryId).first<EventRow>();
    const event = await toFeedEvent(testEnv, libraryId, row!);
    expect(event.type === 'photo.created' && event.photo.derivedFrom).toBe(source.id);
  });

  it('refuses a source that is not a photo of this library with 400, storing nothing', async () => {
    const a = await newLibrary();
    const b = await newLibrary();
    const foreign = (await (await put(await fixture('photo-pixel-gps.jpg'), 'photo-pixel-gps.jpg', b.token)).json<UploadResponse>()).photo;
    for (const id of [foreign.id, '0'.repeat(21)]) {
      const res = await upload('orient-portrait-6.jpg', a.token, id);
      expect(res.status).toBe(400);
      expect((await res.json<ErrorBody>()).error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('derivedFrom') });
    }
    const malformed = await upload('orient-portrait-6.jpg', a.token, 'not-an-id');
    expect(malformed.status).toBe(400);
    expect((await testEnv.PHOTOS.list({ prefix: `lib/${a.libraryId}/` })).objects).toHaveLength(0);
  });

  it('keeps the derived photo when its source is deleted, no longer pointing at it', async () => {
    const { token } = await newLibrary();
    const source = (await (await put(await fixture('photo-pixel-gps.jpg'), 'photo-pixel-gps.jpg', token)).json<UploadResponse>()).photo;
    const derived = (await (await upload('orient-portrait-6.jpg', token, source.id)).json<UploadResponse>()).photo;
    expect((await api(`/api/photos/${source.id}`, { method: 'DELETE', token })).status).toBe(204);
    const read = await api(`/api/photos/${derived.id}`, { token });
    expect(read.status).toBe(200);
    expect((await read.json<PhotoResponse>()).photo).not.toHaveProperty('derivedFrom');
  });
});
