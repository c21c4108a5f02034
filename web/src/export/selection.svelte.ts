// Which photos the user has picked in a grid (gallery or search results), for the export panel. Click
// toggles one photo and makes it the anchor; shift-click selects the range from the anchor to it, in
// the order the grid shows (`order`, passed at each click because the grid grows as pages load).
// The gallery holds only the photos near the screen, so its Select all is not a list of ids: it selects
// a whole source (every photo of the library), less the ones unselected afterwards, and the export
// reads that source page by page when it runs.
import { SvelteSet } from 'svelte/reactivity';
import type { Photo } from '../../../worker/contract/photo';

/** Everything a grid stands for, beyond the photos it holds: how many, and all of them in pages. */
export interface PhotoSource {
  total: () => number;
  pages: () => AsyncIterable<readonly Photo[]>;
}

export class Selection {
  readonly ids = new SvelteSet<string>();
  /** The last photo clicked without shift: one end of the next shift-click range. */
  private anchor: string | null = null;
  /**
   * The selected photos as a grid last showed them. The gallery holds only the photos near the screen
   * (it drops far ones), and a photo selected and then scrolled far away must still be exported.
   */
  private readonly seen = new Map<string, Photo>();
  /** Select all of a source: every photo of it is selected but the `excluded` ones. */
  private everything = $state.raw<PhotoSource | null>(null);
  private readonly excluded = new SvelteSet<string>();

  get size() {
    return this.everything ? Math.max(0, this.everything.total() - this.excluded.size) : this.ids.size;
  }

  /** The whole source is selected (less what was unselected since). */
  get all() {
    return this.everything !== null;
  }

  has(id: string) {
    return this.everything ? !this.excluded.has(id) : this.ids.has(id);
  }

  /** A click on a tile's selector. With shift, everything between the anchor and `id` is selected. */
  click(id: string, order: readonly string[], shift = false) {
    const from = this.anchor === null ? -1 : order.indexOf(this.anchor);
    const to = order.indexOf(id);
    if (shift && from >= 0 && to >= 0) {
      const [a, b] = from < to ? [from, to] : [to, from];
      for (let i = a; i <= b; i++) this.add(order[i]);
      return;
    }
    if (this.has(id)) this.forget(id);
    else this.add(id);
    this.anchor = id;
  }

  /**
   * Selects every photo of `order`; with `source`, every photo it stands for (the gallery: the whole
   * library, most of which is not loaded), so the count and the export cover photos never shown.
   */
  selectAll(order: readonly string[], source?: PhotoSource) {
    if (source) {
      this.ids.clear();
      this.seen.clear();
      this.excluded.clear();
      this.everything = source;
      return;
    }
    for (const id of order) this.add(id);
  }

  clear() {
    this.ids.clear();
    this.seen.clear();
    this.excluded.clear();
    this.everything = null;
    this.anchor = null;
  }

  /**
   * The selected photos, a page at a time, for the export: with Select all of a source, its photos as
   * the server has them now, less those unselected; else `photos(shown, keepUnseen)`.
   */
  async *pages(shown: readonly Photo[], keepUnseen = false): AsyncGenerator<readonly Photo[]> {
    const source = this.everything;
    if (!source) {
      yield this.photos(shown, keepUnseen);
      return;
    }
    const excluded = new Set(this.excluded);
    for await (const page of source.pages()) {
      const kept = page.filter((p) => !excluded.has(p.id));
      if (kept.length) yield kept;
    }
  }

  private add(id: string) {
    if (this.everything) this.excluded.delete(id);
    else this.ids.add(id);
  }

  /** Remembers the selected ones among the photos a grid shows now. */
  remember(shown: readonly Photo[]) {
    if (this.everything) return; // the source gives them all again
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
    if (this.everything) this.excluded.add(id);
    this.ids.delete(id);
    this.seen.delete(id);
  }

  /** The selected ids in grid order; ids no longer shown (deleted, filtered away) are left out. */
  inOrder(order: readonly string[]): string[] {
    return order.filter((id) => this.has(id));
  }
}
