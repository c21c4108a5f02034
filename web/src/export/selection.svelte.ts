// Which photos the user has picked in a grid (gallery or search results), for the export panel. Click
// toggles one photo and makes it the anchor; shift-click selects the range from the anchor to it, in
// the order the grid shows (`order`, passed at each click because the grid grows as pages load).
import { SvelteSet } from 'svelte/reactivity';
import type { Photo } from '../../../worker/contract/photo';

export class Selection {
  readonly ids = new SvelteSet<string>();
  /** The last photo clicked without shift: one end of the next shift-click range. */
  private anchor: string | null = null;
  /**
   * The selected photos as a grid last showed them. The gallery holds only the photos near the screen
   * (it drops far ones), and a photo selected and then scrolled far away must still be exported.
   */
  private readonly seen = new Map<string, Photo>();

  get size() {
    return this.ids.size;
  }

  has(id: string) {
    return this.ids.has(id);
  }

  /** A click on a tile's selector. With shift, everything between the anchor and `id` is selected. */
  click(id: string, order: readonly string[], shift = false) {
    const from = this.anchor === null ? -1 : order.indexOf(this.anchor);
    const to = order.indexOf(id);
    if (shift && from >= 0 && to >= 0) {
      const [a, b] = from < to ? [from, to] : [to, from];
      for (let i = a; i <= b; i++) this.ids.add(order[i]);
      return;
    }
    if (this.ids.has(id)) this.forget(id);
    else this.ids.add(id);
    this.anchor = id;
  }

  selectAll(order: readonly string[]) {
    for (const id of order) this.ids.add(id);
  }

  clear() {
    this.ids.clear();
    this.seen.clear();
    this.anchor = null;
  }

  /** Remembers the selected ones among the photos a grid shows now. */
  remember(shown: readonly Photo[]) {
    for (const p of shown) if (this.ids.has(p.id)) this.seen.set(p.id, p);
  }

  /**
   * The selected photos: those shown, in grid order, then (with `keepUnseen`: a windowed grid) the
   * selected ones it no longer holds, as they were last seen.
   */
  photos(shown: readonly Photo[], keepUnseen = false): Photo[] {
    const here = shown.filter((p) => this.ids.has(p.id));
    if (!keepUnseen) return here;
    const ids = new Set(here.map((p) => p.id));
    return [...here, ...[...this.seen.values()].filter((p) => this.ids.has(p.id) && !ids.has(p.id))];
  }

  private forget(id: string) {
    this.ids.delete(id);
    this.seen.delete(id);
  }

  /** The selected ids in grid order; ids no longer shown (deleted, filtered away) are left out. */
  inOrder(order: readonly string[]): string[] {
    return order.filter((id) => this.ids.has(id));
  }
}
