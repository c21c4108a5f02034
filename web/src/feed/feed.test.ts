import { describe, expect, it } from 'vitest';
import { Feed } from './feed.svelte';

const at = 1;

describe('Feed', () => {
  it('applies events in seq order, ignores duplicates, and holds one that arrives early', () => {
    const feed = new Feed('t');
    const seen: number[] = [];
    feed.subscribe((e) => seen.push(e.seq));
    feed.receive({ type: 'hello', seq: 10 });
    feed.receive([{ type: 'stats', seq: 11, at, counts: { pending: 1, processing: 0, completed: 0, failed: 0 } }]);
    feed.receive({ type: 'photo.deleted', seq: 13, at, photoId: 'b' }); // 12 still in flight
    expect(seen).toEqual([11]);
    feed.receive({ type: 'photo.deleted', seq: 12, at, photoId: 'a' });
    feed.receive({ type: 'photo.deleted', seq: 12, at, photoId: 'a' }); // replay overlap
    expect(seen).toEqual([11, 12, 13]);
    expect(feed.seq).toBe(13);
  });

  it('asks listeners to refetch after a snapshot', () => {
    const feed = new Feed('t');
    let resynced = 0;
    feed.onResync(() => resynced++);
    feed.receive({ type: 'snapshot', seq: 500, counts: { pending: 0, processing: 0, completed: 3, failed: 0 }, reason: 'too far behind' });
    expect(resynced).toBe(1);
    expect(feed.seq).toBe(500);
  });
});
