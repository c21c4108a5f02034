// The best k of a stream, kept sorted (k is a page: at most a few hundred). Most candidates lose against
// the current worst in one comparison, so a scan of 100,000 costs about as much as the scan itself.
export class TopK {
  readonly keys: number[] = [];
  readonly ids: string[] = [];
  readonly slots: number[] = [];

  /** A key below this cannot enter (the current worst once full): callers skip work for most candidates. */
  floor = -Infinity;

  constructor(private readonly k: number) {}

  /** Higher key first; equal keys: higher id first (ids sort by upload time). */
  private beats(key: number, id: string, at: number) {
    return key > this.keys[at] || (key === this.keys[at] && id > this.ids[at]);
  }

  offer(key: number, id: string, slot: number) {
    const n = this.keys.length;
    if (n === this.k && !this.beats(key, id, n - 1)) return;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.beats(key, id, mid)) hi = mid;
      else lo = mid + 1;
    }
    this.keys.splice(lo, 0, key);
    this.ids.splice(lo, 0, id);
    this.slots.splice(lo, 0, slot);
    if (this.keys.length > this.k) {
      this.keys.pop();
      this.ids.pop();
      this.slots.pop();
    }
    if (this.keys.length === this.k) this.floor = this.keys[this.k - 1];
  }
}

/** True when (key, id) comes after the cursor in descending (key, id) order. */
export const after = (key: number, id: string, cKey: number, cId: string) => key < cKey || (key === cKey && id < cId);
