import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Photo } from '../../../worker/contract/photo';
import { Library } from './library.svelte';

const photo = (id: string, over: Partial<Photo> = {}): Photo => ({
  id, filename: `${id}.jpg`, sha256: id, mime: 'image/jpeg', kind: 'image', bytes: 1, width: 1, height: 1, status: 'pending',
  stages: { exif: { status: 'pending', attempts: 0 } }, exif: null, error: null, createdAt: '', updatedAt: '',
  placeholder: null, thumbnails: {}, variants: {}, analysis: null, video: null, ...over,
});
const at = 1;

describe('Library.apply', () => {
  it('inserts new photos newest first, updates stages and results in place, and removes deleted ones', () => {
    const lib = new Library({ listPhotos: async () => ({ photos: [], nextCursor: null }) });
    lib.done = true;
    const events: FeedEvent[] = [
      { type: 'photo.created', seq: 1, at, photoId: 'a', photo: photo('a') },
      { type: 'photo.created', seq: 2, at, photoId: 'b', photo: photo('b') },
      { type: 'photo.stage', seq: 3, at, photoId: 'a', stage: 'exif', status: 'running', attempts: 1 },
    ];
    for (const e of events) lib.apply(e);
    expect(lib.photos.map((p) => p.id)).toEqual(['b', 'a']);
    expect(lib.get('a')).toMatchObject({ status: 'processing', stages: { exif: { status: 'running', attempts: 1 } } });
    lib.apply({ type: 'photo.completed', seq: 4, at, photoId: 'a', photo: photo('a', { status: 'completed', thumbnails: { '150': '/t' } }) });
    expect(lib.get('a')).toMatchObject({ status: 'completed', thumbnails: { '150': '/t' } });
    lib.apply({ type: 'photo.deleted', seq: 5, at, photoId: 'b' });
    expect(lib.photos.map((p) => p.id)).toEqual(['a']);
  });
});
