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
});
