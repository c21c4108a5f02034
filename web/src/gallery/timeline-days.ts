// The library as the timeline holds it: every day that has photos with its count (from
// GET /api/photos/timeline, so the grid's geometry is known for the whole library at once), and the
// photos of only the days near the viewport. A day holds a prefix of its photos (a page may end inside
// it); days far from the viewport are emptied again, so memory follows the screen, not the distance
// scrolled. Plain objects, no signals: the Library says when something changed.
import type { TimelineResponse } from '../../../worker/contract/http';
import type { Photo } from '../../../worker/contract/photo';
import { compareTimeline, dayKey } from './sort-key';

export interface Day {
  /** YYYY-MM-DD */
  key: string;
  count: number;
  /** The day's first photos, in timeline order (all of them when `complete`). */
  photos: Photo[];
  complete: boolean;
}

/** What a change did: `layout` when days or their counts changed (the grid's geometry moves). */
export interface Change { layout: boolean; photos: boolean; unsure?: boolean }

export class TimelineDays {
  days: Day[] = [];
  private byId = new Map<string, Day>();
  /** Days of photos created while we watched, so their later updates (EXIF) can move their count. */
  private created = new Map<string, string>();

  constructor(timeline?: TimelineResponse) {
    if (timeline) this.reset(timeline);
  }

  reset(timeline: TimelineResponse) {
    this.days = timeline.months.flatMap((m) => m.days.map((d) => ({ key: d.day, count: d.count, photos: [], complete: false })));
    this.byId.clear();
  }

  /** After days were rebuilt around kept photos. */
  reindex() {
    this.byId.clear();
    for (const day of this.days) for (const p of day.photos) this.byId.set(p.id, day);
  }

  get total() {
    let n = 0;
    for (const d of this.days) n += d.count;
    return n;
  }

  get(id: string): Photo | undefined {
    return this.byId.get(id)?.photos.find((p) => p.id === id);
  }

  /** Loaded photos, in order. */
  loaded(): Photo[] {
    return this.days.flatMap((d) => d.photos);
  }

  loadedCount() {
    return this.byId.size;
  }

  /** Index of the day `key`, or where it would go (days are newest first). */
  indexOf(key: string): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.days[mid].key > key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first day in [from, to] whose photos are not all here. */
  firstMissing(from: number, to: number): number {
    for (let i = Math.max(0, from); i <= Math.min(to, this.days.length - 1); i++) if (!this.days[i].complete) return i;
    return -1;
  }

  /**
   * A page of the timeline that started at day `startKey` (at its first photo, or after the day's last
   * loaded photo). Days the page went past are complete, and their counts corrected if the server's
   * photos say otherwise; `end` (no next page) completes every day after it.
   */
  addPage(startKey: string, photos: readonly Photo[], end: boolean): Change {
    const change: Change = { layout: false, photos: false };
    let i = this.indexOf(startKey);
    for (const photo of photos) {
      const key = dayKey(photo);
      while (i < this.days.length && this.days[i].key > key) this.finish(i++, change);
      const day = this.dayAt(i, key, change);
      const had = this.byId.get(photo.id);
      if (had === day) continue;
      if (had) this.drop(had, photo.id); // it moved days since that page: the server is right
      day.photos.push(photo);
      change.photos = true;
      this.byId.set(photo.id, day);
      if (day.photos.length > day.count) {
        day.count = day.photos.length;
        change.layout = true;
      }
      if (day.photos.length >= day.count) day.complete = true;
    }
    if (end) while (i < this.days.length) this.finish(i++, change);
    if (change.layout) this.days = this.days.filter((d) => d.count > 0);
    return change;
  }

  /** Empties the days outside [from, to]: they are loaded again when the user comes back. */
  evict(from: number, to: number): boolean {
    let any = false;
    this.days.forEach((day, i) => {
      if ((i >= from && i <= to) || (!day.photos.length && !day.complete)) return;
      for (const p of day.photos) this.byId.delete(p.id);
      day.photos = [];
      day.complete = false;
      any = true;
    });
    return any;
  }

  /**
   * A photo from the feed: new (`created`), or changed — in place, or moved to another day when its
   * EXIF date arrived. `unsure` when a photo we never saw turned up in a loaded day: the day it left is
   * unknown, so the counts should be fetched again.
   */
  place(photo: Photo, created: boolean): Change {
    const change: Change = { layout: false, photos: false };
    const key = dayKey(photo);
    const was = this.byId.get(photo.id);
    const wasKey = was?.key ?? this.created.get(photo.id);
    if (created) this.created.set(photo.id, key);
    else if (this.created.has(photo.id)) this.created.set(photo.id, key);
    if (was) {
      this.drop(was, photo.id);
      change.photos = true;
    }
    const counted = created || wasKey !== undefined;
    if (wasKey !== undefined && wasKey !== key) this.count(wasKey, -1, change);
    let i = this.indexOf(key);
    if (!counted || wasKey !== key) {
      if (!counted && !(this.days[i]?.key === key && this.days[i].complete)) return change; // not ours to count
      if (!counted) change.unsure = true;
      this.count(key, +1, change);
      i = this.indexOf(key);
    }
    const day = this.days[i];
    if (!day || day.key !== key) return change;
    // Into the loaded prefix only where it belongs there: after it, a page brings it in its turn.
    const at = day.photos.findIndex((p) => compareTimeline(photo, p) < 0);
    if (at >= 0 || day.complete || was === day) {
      day.photos.splice(at >= 0 ? at : day.photos.length, 0, photo);
      this.byId.set(photo.id, day);
      change.photos = true;
    } else if (!day.photos.length) day.complete = false;
    if (day.photos.length >= day.count) day.complete = true;
    return change;
  }

  /** A deleted photo. `unsure` when we did not know its day. */
  remove(id: string): Change {
    const change: Change = { layout: false, photos: false };
    const day = this.byId.get(id);
    const key = day?.key ?? this.created.get(id);
    this.created.delete(id);
    if (day) {
      this.drop(day, id);
      change.photos = true;
    }
    if (key === undefined) return { ...change, unsure: true };
    this.count(key, -1, change);
    return change;
  }

  private drop(day: Day, id: string) {
    day.photos = day.photos.filter((p) => p.id !== id);
    this.byId.delete(id);
  }

  private count(key: string, delta: number, change: Change) {
    const i = this.indexOf(key);
    change.layout = true;
    if (this.days[i]?.key === key) {
      const day = this.days[i];
      day.count += delta;
      if (day.count <= 0) this.days = this.days.filter((d) => d !== day);
    } else if (delta > 0) {
      // A new day: the photo being placed is all of it.
      this.days = [...this.days.slice(0, i), { key, count: delta, photos: [], complete: true }, ...this.days.slice(i)];
    }
  }

  private dayAt(i: number, key: string, change: Change): Day {
    if (this.days[i]?.key === key) return this.days[i];
    const day: Day = { key, count: 0, photos: [], complete: false };
    this.days = [...this.days.slice(0, i), day, ...this.days.slice(i)];
    change.layout = true;
    return day;
  }

  /** The page went past day `i`: all of its photos are here. */
  private finish(i: number, change: Change) {
    const day = this.days[i];
    if (day.count !== day.photos.length) {
      day.count = day.photos.length;
      change.layout = true;
    }
    day.complete = true;
  }
}
