// The wire shape of a photo has one source, PhotoSchema (contract/photo.ts). Every way the API hands out
// a photo (upload ack, read, list, feed event; pending, completed, failed, derived) writes exactly the
// schema's keys, in the schema's order, with values the schema accepts.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { PhotoListResponse, PhotoResponse, UploadResponse } from '../contract/http';
import { PhotoSchema, type Photo } from '../contract/photo';
import type { EventRow } from './events';
import { toFeedEvent } from '../feed/publish';
import { api, fixture, newLibrary, setSettings, settled, testEnv, waitForPhoto } from '../test/helpers';

const KEYS = Object.keys(PhotoSchema.entries);
const Strict = v.strictObject(PhotoSchema.entries);

/** Checks one photo as it goes over the wire; returns its keys. */
function wire(photo: Photo): string[] {
  const sent = JSON.parse(JSON.stringify(photo)) as Record<string, unknown>;
  const keys = Object.keys(sent);
  expect(keys, 'in the schema order, nothing extra').toEqual(KEYS.filter((k) => keys.includes(k)));
  const parsed = v.safeParse(Strict, sent);
  expect(parsed.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? []).toEqual([]);
  return keys;
}

const upload = async (name: string, token: string, query = '') =>
  (await (await api(`/api/photos?filename=${name}${query}`, { method: 'PUT', body: await fixture(name), token })).json<UploadResponse>()).photo;
const read = async (id: string, token: string) => (await (await api(`/api/photos/${id}`, { token })).json<PhotoResponse>()).photo;

describe('the photo wire shape', () => {
  it('is the schema in every answer and event, and every key of the schema is used', async () => {
    const { libraryId, token } = await newLibrary();
    const seen = new Set<string>();
    const see = (p: Photo) => wire(p).forEach((k) => seen.add(k));

    const good = await upload('photo-pixel-gps.jpg', token);
    see(good);
    const bad = await upload('bad-truncated.jpg', token);
    see(bad);
    const derived = await upload('orient-portrait-6.jpg', token, `&derivedFrom=${good.id}`);
    see(derived);
    expect(derived.derivedFrom).toBe(good.id);
    for (const p of [good, bad, derived]) see(await waitForPhoto(p.id, token, settled));
    expect((await read(bad.id, token)).retryable).toBe(false);

    const list = await (await api('/api/photos', { token })).json<PhotoListResponse>();
    expect(list.photos).toHaveLength(3);
    list.photos.forEach(see);

    const { results } = await testEnv.DB.prepare(`SELECT seq, type, photo_id, payload, created_at FROM events WHERE library_id = ?1 ORDER BY seq`)
      .bind(libraryId).all<EventRow>();
    let photoEvents = 0;
    for (const row of results) {
      const event = await toFeedEvent(testEnv, libraryId, row);
      if ('photo' in event) {
        see(event.photo);
        photoEvents++;
      }
    }
    expect(photoEvents).toBeGreaterThanOrEqual(6); // created ×3, completed ×2, failed
    expect([...seen].sort()).toEqual([...KEYS].sort());
  });

  it('acks an upload with the photo exactly as a read then returns it', async () => {
    const { token } = await newLibrary();
    await setSettings(token, { autoProcessOnUpload: false, scheduledProcessing: false });
    for (const name of ['photo-pixel-gps.jpg', 'orient-portrait-6.jpg']) {
      const ack = await upload(name, token);
      const again = await read(ack.id, token);
      expect(JSON.stringify({ ...ack, original: null })).toBe(JSON.stringify({ ...again, original: null }));
    }
  });
});
