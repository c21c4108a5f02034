import { afterEach, describe, expect, it, vi } from 'vitest';
import { Feed } from './feed.svelte';

const at = 1;
const deleted = (seq: number) => ({ type: 'photo.deleted' as const, seq, at, photoId: `p${seq}` });

/** A feed on an open socket that records what the client sends. */
function openFeed() {
  const feed = new Feed('t');
  const sent: unknown[] = [];
  feed.socket = { readyState: WebSocket.OPEN, send: (m: string) => sent.push(JSON.parse(m)) } as unknown as WebSocket;
  return { feed, sent };
}

afterEach(() => {
  vi.useRealTimers();
});

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

  it('asks for what a later hello says it missed (a fan-out lost after its commit), once it has waited for it', () => {
    vi.useFakeTimers();
    const { feed, sent } = openFeed();
    const seen: number[] = [];
    feed.subscribe((e) => seen.push(e.seq));
    feed.receive({ type: 'hello', seq: 10 });
    feed.receive({ type: 'hello', seq: 12 }); // the server's periodic hello: 11 and 12 were never delivered
    vi.advanceTimersByTime(999);
    expect(sent).toEqual([]); // a broadcast in flight gets its second
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([{ type: 'resume', since: 10 }]);
    for (const m of [deleted(11), deleted(12), { type: 'hello' as const, seq: 12 }]) feed.receive(m); // the replay
    expect(seen).toEqual([11, 12]);
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(1); // caught up: nothing more to ask
  });

  it('drops a held event that the greeting already counted, instead of asking for it forever', () => {
    vi.useFakeTimers();
    const { feed, sent } = openFeed();
    const seen: number[] = [];
    feed.subscribe((e) => seen.push(e.seq));
    feed.receive(deleted(5)); // broadcast before the greeting that already counts it
    feed.receive({ type: 'hello', seq: 5 });
    feed.receive(deleted(6));
    expect(seen).toEqual([6]);
    vi.advanceTimersByTime(30_000);
    expect(sent).toEqual([]);
  });

  it('takes a snapshot as the new tip, so a log that went back does not keep it asking', () => {
    vi.useFakeTimers();
    const { feed, sent } = openFeed();
    feed.receive({ type: 'hello', seq: 20 });
    feed.receive({ type: 'hello', seq: 30 }); // behind: it asks once the grace is over
    feed.receive({ type: 'snapshot', seq: 5, counts: { pending: 0, processing: 0, completed: 5, failed: 0 }, reason: 'unknown seq' });
    vi.advanceTimersByTime(30_000);
    expect(sent).toEqual([]);
    expect(feed.seq).toBe(5);
  });

  it('is live once greeted, not when the socket opens: a drop before the hello has nothing to resume from', () => {
    const { feed } = openFeed();
    expect(feed.state).toBe('connecting');
    feed.receive({ type: 'hello', seq: 0 });
    expect(feed.state).toBe('live');
  });
});
