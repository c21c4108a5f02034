import { describe, expect, it } from 'vitest';
import type { Photo } from '../../../worker/contract/photo';
import { Selection } from './selection.svelte';

const order = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('Selection', () => {
  it('toggles on click and selects a range on shift-click, either direction', () => {
    const s = new Selection();
    s.click('b', order);
    expect(s.inOrder(order)).toEqual(['b']);
    s.click('e', order, true);
    expect(s.inOrder(order)).toEqual(['b', 'c', 'd', 'e']);
    s.click('b', order); // toggles b off and makes it the anchor
    expect(s.has('b')).toBe(false);
    s.click('f', order);
    s.click('d', order, true); // backwards from the new anchor f
    expect(s.inOrder(order)).toEqual(['c', 'd', 'e', 'f']);
  });

  it('shift-click without an anchor toggles the one photo', () => {
    const s = new Selection();
    s.click('c', order, true);
    expect(s.inOrder(order)).toEqual(['c']);
  });

  it('selects all, clears, and leaves out ids the grid no longer shows', () => {
    const s = new Selection();
    s.selectAll(order);
    expect(s.size).toBe(6);
    expect(s.inOrder(['a', 'z', 'f'])).toEqual(['a', 'f']);
    s.clear();
    expect(s.size).toBe(0);
    s.click('d', order, true); // the anchor went with clear()
    expect(s.inOrder(order)).toEqual(['d']);
  });

  it('in a windowed grid, keeps exporting selected photos the grid has dropped, and forgets them when unselected', () => {
    const photo = (id: string) => ({ id }) as Photo;
    const s = new Selection();
    const near = order.map(photo);
    s.click('b', order);
    s.click('d', order, true);
    s.remember(near);
    // Scrolled far away: the gallery now holds other photos only.
    const far = ['x', 'y'].map(photo);
    expect(s.photos(far, true).map((p) => p.id)).toEqual(['b', 'c', 'd']);
    expect(s.photos(far)).toEqual([]); // a grid that is not windowed shows what it has
    s.click('c', order);
    expect(s.photos(far, true).map((p) => p.id)).toEqual(['b', 'd']);
    s.clear();
    expect(s.photos(far, true)).toEqual([]);
  });

  it('Select all of a source selects every photo of it, not only those shown, less those unselected after', async () => {
    const photo = (id: string) => ({ id }) as Photo;
    const library = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(photo);
    let total = library.length;
    async function* pages() {
      for (let i = 0; i < library.length; i += 3) yield library.slice(i, i + 3);
    }
    const s = new Selection();
    const shown = ['c', 'd'];
    s.selectAll(shown, { total: () => total, pages });
    expect(s.all).toBe(true);
    expect(s.size).toBe(8);
    expect(s.has('h')).toBe(true); // never shown, still selected
    s.click('d', shown); // unselects d
    expect(s.size).toBe(7);
    const got: string[] = [];
    for await (const page of s.pages(shown.map(photo), true)) got.push(...page.map((p) => p.id));
    expect(got).toEqual(['a', 'b', 'c', 'e', 'f', 'g', 'h']);
    s.click('c', shown); // c out, and the anchor
    s.click('d', shown, true); // a shift-click range selects both again
    expect([s.has('c'), s.has('d'), s.size]).toEqual([true, true, 8]);
    total = 9; // a photo arrived: "all" follows the library
    expect(s.size).toBe(9);
    s.clear();
    expect([s.all, s.size, s.has('a')]).toEqual([false, 0, false]);
    // Without a source, Select all is the grid's photos, and the export gets those.
    s.selectAll(shown);
    const plain: string[] = [];
    for await (const page of s.pages(shown.map(photo))) plain.push(...page.map((p) => p.id));
    expect(plain).toEqual(['c', 'd']);
  });
});
