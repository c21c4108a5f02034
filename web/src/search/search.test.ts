import { describe, expect, it } from 'vitest';
import type { Photo } from '../../../worker/contract/photo';
import type { SearchRequest, SearchResponse } from '../../../worker/contract/search';
import { ApiError } from '../lib/api';
import type { ModelRef } from './query-encoder.svelte';
import { Search } from './search.svelte';

const photo = (id: string) => ({ id }) as Photo;

/** A server stand-in that records what it was asked. */
function server(answer: (req: Partial<SearchRequest>) => SearchResponse) {
  const asked: Partial<SearchRequest>[] = [];
  return { asked, api: { search: async (req: Partial<SearchRequest>) => (asked.push(req), answer(req)) } };
}
const encoder = { encode: async (_model: ModelRef, text: string) => (text === 'red' ? [1, 0, 0] : [0, 1, 0]) };

describe('Search', () => {
  it('sends the words as a vector of the library model, with the filters', async () => {
    const { asked, api } = server(() => ({ results: [{ photo: photo('a'), score: 0.9 }], nextCursor: null }));
    const s = new Search(api, encoder, () => ({ id: 'tiny/clip' }));
    await s.run({ q: 'red', tags: ['x'] });
    expect(asked).toEqual([{ vector: { model: { id: 'tiny/clip' }, values: [1, 0, 0] }, tags: ['x'], limit: 40 }]);
    expect(s.mode).toBe('meaning');
    expect(s.results.map((r) => r.photo.id)).toEqual(['a']);
  });

  it('matches words as text when no embedding model is known, or when the server refuses the vector', async () => {
    const none = server(() => ({ results: [], nextCursor: null }));
    const s = new Search(none.api, encoder, () => null);
    await s.run({ q: 'red', tags: [] });
    expect(none.asked).toEqual([{ text: 'red', limit: 40 }]);
    expect(s.mode).toBe('text');

    const refusing = server((req) => {
      if (req.vector) throw new ApiError(400, 'vector_model_mismatch', 'other model');
      return { results: [{ photo: photo('b'), score: null }], nextCursor: null };
    });
    const t = new Search(refusing.api, encoder, () => ({ id: 'old/model' }));
    await t.run({ q: 'red', tags: [] });
    expect(refusing.asked.map((r) => Object.keys(r).sort().join())).toEqual(['limit,vector', 'limit,text']);
    expect(t.mode).toBe('text');
    expect(t.results.map((r) => r.photo.id)).toEqual(['b']);
  });

  it('matches words as text when the text encoder cannot be loaded, and waits for the library\'s model', async () => {
    const { asked, api } = server(() => ({ results: [{ photo: photo('a'), score: null }], nextCursor: null }));
    const failing = { encode: async () => Promise.reject(new Error('tiny/clip: Failed to fetch')) };
    const s = new Search(api, failing, async () => ({ id: 'tiny/clip' }));
    await s.run({ q: 'red', tags: [] });
    expect(asked).toEqual([{ text: 'red', limit: 40 }]);
    expect(s.mode).toBe('text');
    expect(s.loading).toBe(false);
    expect(s.error).toBeNull();
    expect(s.results.map((r) => r.photo.id)).toEqual(['a']);
  });

  it('pages on with the cursor, drops deleted photos, and ignores an answer to an older query', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { asked, api } = server((req) =>
      req.cursor ? { results: [{ photo: photo('c'), score: null }], nextCursor: null } : { results: [{ photo: photo('a'), score: null }, { photo: photo('b'), score: null }], nextCursor: 'k' });
    const s = new Search(api, encoder, () => null);
    await s.run({ q: '', tags: ['t'] });
    expect(s.mode).toBe('filters');
    await s.loadMore();
    expect(asked.at(-1)).toEqual({ tags: ['t'], limit: 40, cursor: 'k' });
    expect(s.results.map((r) => r.photo.id)).toEqual(['a', 'b', 'c']);
    expect(s.done).toBe(true);
    s.apply({ type: 'photo.deleted', seq: 1, at: 1, photoId: 'b' });
    expect(s.results.map((r) => r.photo.id)).toEqual(['a', 'c']);

    // A slow encoding of an old query must not overwrite the newer results.
    const slow = new Search(api, { encode: async () => (await gate, [1]) }, () => ({ id: 'm' }));
    const first = slow.run({ q: 'old', tags: [] });
    await slow.run({ q: '', tags: ['new'] });
    release();
    await first;
    expect(asked.at(-1)).toEqual({ tags: ['new'], limit: 40 });
    expect(asked.some((r) => r.vector)).toBe(false);
  });
});
