// Which photos the user has picked in a grid (gallery or search results), for the export panel. Click
// toggles one photo and makes it the anchor; shift-click selects the range from the anchor to it, in
// the order the grid shows (`order`, passed at each click because the grid grows as pages load).
import { SvelteSet } from 'svelte/reactivity';

export class Selection {
  readonly ids = new SvelteSet<string>();
  /** The last photo clicked without shift: one end of the next shift-click range. */
  private anchor: string | null = null;

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
    if (this.ids.has(id)) this.ids.delete(id);
    else this.ids.add(id);
    this.anchor = id;
  }

  selectAll(order: readonly string[]) {
    for (const id of order) this.ids.add(id);
  }

  clear() {
    this.ids.clear();
    this.anchor = null;
  }

  /** The selected ids in grid order; ids no longer shown (deleted, filtered away) are left out. */
  inOrder(order: readonly string[]): string[] {
    return order.filter((id) => this.ids.has(id));
  }
}
