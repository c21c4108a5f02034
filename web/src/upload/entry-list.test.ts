import { describe, expect, it } from 'vitest';
import { Entry } from './entry.svelte';
import { EntryList } from './entry-list.svelte';

describe('EntryList', () => {
  it('keeps its totals in step with every change, and clears only what is over', () => {
    const list = new EntryList();
    const [a, b, c] = [new Entry('a', 'a.jpg', 100, 'queued'), new Entry('b', 'b.jpg', 50, 'queued'), new Entry('c', 'c.jpg', 10, 'skipped', 'no')];
    list.append([a, b, c]);
    expect(list.totals(0)).toMatchObject({ total: 150, sent: 0, waiting: 2, active: 0, failed: 0, secondsLeft: null });
    list.update(a, { state: 'uploading', sent: 40 });
    expect(list.totals(10)).toMatchObject({ sent: 40, waiting: 1, active: 1, secondsLeft: 11 });
    list.update(a, { state: 'done', sent: 100 });
    list.update(b, { state: 'failed', error: 'no' });
    expect(list.totals(0)).toMatchObject({ total: 150, sent: 100, waiting: 0, active: 0, failed: 1 });
    expect(list.busy).toBe(false);
    list.clearFinished();
    expect(list.entries.map((e) => e.id)).toEqual(['b']);
    expect(list.has('a')).toBe(false);
    expect(list.totals(0)).toMatchObject({ total: 50, sent: 0, failed: 1 });
    list.remove(b);
    expect(list.entries).toEqual([]);
    expect(list.totals(0)).toMatchObject({ total: 0, failed: 0 });
  });

  it('appends to the same array: a pick appended a slice at a time costs its size, not its square', () => {
    const list = new EntryList();
    const array = list.entries;
    for (let i = 0; i < 100; i++) list.append([new Entry(`e${i}`, `e${i}.jpg`, 1, 'queued')]);
    // A fresh copy per append made a 10,000-file pick allocate 12.6 MB of arrays while the queue filled.
    expect(list.entries).toBe(array);
    expect(list.entries.map((e) => e.id)).toEqual(Array.from({ length: 100 }, (_, i) => `e${i}`));
    expect(list.get('e99')?.name).toBe('e99.jpg');
    // A restored queue comes in one append: 200,000 entries must not overflow the stack.
    list.append(Array.from({ length: 200_000 }, (_, i) => new Entry(`r${i}`, 'r.jpg', 1, 'queued')));
    expect(list.entries).toHaveLength(200_100);
  });
});
