// The photos of the library as the gallery shows them: the timeline (date taken, else upload date),
// newest first. The days and their counts come first (GET /api/photos/timeline), so the grid and the
// scrubber span the whole library at once; photos are paged in by cursor around what the gallery
// shows (`show`) and dropped again far from it, so memory follows the screen, not the distance
// scrolled. Feed events keep it current: a photo whose EXIF arrives moves to its day.
import type { FeedEvent } from '../../../worker/contract/feed';
import type { Photo } from '../../../worker/contract/photo';
import { errorMessage, type Api } from '../lib/api';
import { LateEvents, type PhotoFeedEvent } from './late-events';
import { timelineCursor } from './sort-key';
import { withStage, type StageEvent } from './stage-event';
import { TimelineDays, type Change, type Day } from './timeline-days';

/** Photos loaded beyond the shown days, each way, before the user gets there. */
const PREFETCH = 100;
/** Photos kept beyond the shown days, each way; farther ones are dropped and loaded again on return. */
const KEEP = 250;
const PAGE = 200;

export class Library {
  /** The days, newest first: a new array whenever days or counts change (the grid's geometry). */
  days = $state.raw<readonly Day[]>([]);
  /** Bumped when loaded photos change (pages, evictions, feed updates): the tiles on screen re-read. */
  version = $state(0);
  /** The timeline is in: `days` is the whole library. */
  ready = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Where the gallery was scrolled to (a day, a photo of it, and how far into its row), so returning lands there. Not reactive. */
  scrollAnchor: { day: string; index: number; id?: string; delta: number } | null = null;
  private readonly data = new TimelineDays();
  /** Photos held for an open photo page, outside the window (see `pin`). */
  private readonly pinned = new Map<string, Photo>();
  /** Days the gallery shows, as [first, last] indices. */
  private wanted: [number, number] = [0, 0];
  private pumping = false;
  private refresh: ReturnType<typeof setTimeout> | null = null;
  private readonly late = new LateEvents();

  constructor(private readonly api: Pick<Api, 'listTimeline' | 'timeline'>) {}

  /** Total photos in the library (summed once per `days`: a Select all reads it from every tile). */
  get total() {
    const days = this.days;
    if (this.totalOf?.days !== days) this.totalOf = { days, n: this.data.total };
    return this.totalOf.n;
  }
  private totalOf: { days: readonly Day[]; n: number } | null = null;

  /** The photos loaded now, in order (what is around the viewport). */
  get photos(): Photo[] {
    void this.version;
    void this.days;
    return this.data.loaded();
  }

  /** How many photos are held in memory. */
  get held() {
    void this.version;
    return this.data.loadedCount();
  }

  get(id: string): Photo | undefined {
    void this.version;
    return this.data.get(id) ?? this.pinned.get(id);
  }

  /**
   * The photo page's photo stays live while it is open even when it is far from the gallery's window
   * (dropped, or never paged in: an old photo opened from search or a link). → unpin.
   */
  pin(photo: Photo): () => void {
    this.pinned.set(photo.id, photo);
    this.version++;
    return () => {
      this.pinned.delete(photo.id);
    };
  }

  /** Keeps a pinned copy current from a feed event's photo. */
  private repin(photo: Photo) {
    if (!this.pinned.has(photo.id)) return;
    this.pinned.set(photo.id, photo);
    this.version++;
  }

  /**
   * Every photo of the library in timeline order, a page at a time from the server: what the gallery's
   * Select all stands for (only a window of it is ever held here).
   */
  async *everything(): AsyncGenerator<readonly Photo[]> {
    let cursor: string | null = null;
    do {
      const page = await this.api.listTimeline(cursor ? { cursor } : {}, PAGE);
      yield page.photos;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** Loads the timeline (again: after a feed snapshot everything is re-read) and the shown photos. */
  async start() {
    try {
      // On the first start the newest page is asked for beside the counts, not after them: it needs
      // nothing from them (it starts at the newest photo), and the top of the grid needs both, so the
      // first paint waits for one round trip instead of two.
      const landed = this.late.begin();
      const top = this.ready ? null : this.api.listTimeline({}, PAGE).catch(() => null); // else pump() asks
      const timeline = await this.api.timeline().catch((err) => {
        landed([]);
        throw err;
      });
      this.data.reset(timeline);
      const first = await top;
      if (first && this.data.days.length) this.data.addPage(this.data.days[0].key, first.photos, !first.nextCursor);
      this.overlay(landed(first?.photos ?? []));
      this.days = [...this.data.days];
      this.version++;
      this.ready = true;
      this.error = null;
      void this.pump();
    } catch (err) {
      this.error = errorMessage(err, 'Could not load photos.');
    }
  }

  reload() {
    return this.start();
  }

  /** The gallery shows days [from, to]: load them (and a little beyond), drop what is far away. */
  show(from: number, to: number) {
    if (from === this.wanted[0] && to === this.wanted[1] && !this.error) return;
    this.wanted = [from, to];
    void this.pump();
  }

  /** Retry after an error. */
  retry() {
    this.error = null;
    return this.ready ? this.pump() : this.start();
  }

  /** One page at a time, always for what is shown now: a fast scrubber drag never queues stale pages. */
  private async pump() {
    if (this.pumping || !this.ready) return;
    this.pumping = true;
    try {
      for (;;) {
        // What is on screen first, then a little beyond it.
        const shown = this.data.firstMissing(...this.wanted);
        const i = shown >= 0 ? shown : this.data.firstMissing(...this.padded(PREFETCH));
        if (i < 0) break;
        // A page that brought nothing new (the server and the counts disagree): the next change retries.
        // (Not "the day is still empty": the view may have moved away meanwhile and dropped it, and the
        // days now shown must still load.)
        if (!(await this.loadFrom(this.data.days[i])) || this.error) break;
      }
    } finally {
      this.pumping = false;
    }
  }

  /** One page from `day` on. → whether it brought anything (photos, or corrected counts). */
  private async loadFrom(day: Day): Promise<boolean> {
    this.loading = true;
    const last = day.photos.at(-1);
    const landed = this.late.begin();
    try {
      const page = await this.api.listTimeline(last ? { cursor: timelineCursor(last) } : { at: day.key }, PAGE);
      const change = this.data.addPage(day.key, page.photos, !page.nextCursor);
      this.changed(change);
      this.overlay(landed(page.photos));
      const [keepFrom, keepTo] = this.padded(KEEP);
      if (this.data.evict(keepFrom, keepTo)) this.version++;
      this.error = null;
      return change.photos || change.layout;
    } catch (err) {
      this.error = errorMessage(err, 'Could not load photos.');
      return false;
    } finally {
      landed([]);
      this.loading = false;
    }
  }

  /** The wanted days widened by about `photos` photos each way. */
  private padded(photos: number): [number, number] {
    const days = this.data.days;
    let [from, to] = this.wanted;
    to = Math.min(to, days.length - 1);
    for (let n = 0; from > 0 && n < photos; ) n += days[--from].count;
    for (let n = 0; to < days.length - 1 && n < photos; ) n += days[++to].count;
    return [Math.max(0, from), to];
  }

  private changed(change: Change) {
    // A new array: counts change inside the same day objects, and the grid must be laid out again.
    if (change.layout) this.days = [...this.data.days];
    if (change.photos || change.layout) this.version++;
    // A photo we never saw moved into a day on screen: the day it left is unknown, so fetch the counts.
    if (change.unsure && !this.refresh) {
      this.refresh = setTimeout(() => {
        this.refresh = null;
        void this.recount();
      }, 2000);
    }
  }

  /** The day counts again, keeping what is loaded where the day is unchanged. */
  private async recount() {
    try {
      const timeline = await this.api.timeline();
      const old = new Map(this.data.days.map((d) => [d.key, d]));
      this.data.reset(timeline);
      for (const day of this.data.days) {
        const had = old.get(day.key);
        if (had && had.count === day.count) Object.assign(day, { photos: had.photos, complete: had.complete });
      }
      this.data.reindex();
      this.days = [...this.data.days];
      this.version++;
      void this.pump();
    } catch {
      // The next change or page corrects it.
    }
  }

  apply(event: FeedEvent) {
    this.late.note(event);
    if (!this.ready) return; // the timeline, when it comes, already counts it
    switch (event.type) {
      case 'photo.created':
        this.repin(event.photo);
        this.changed(this.data.place(event.photo, true));
        break;
      case 'photo.completed':
      case 'photo.failed':
      case 'photo.updated':
      case 'analysis.completed':
        this.repin(event.photo);
        this.changed(this.data.place(event.photo, false));
        break;
      case 'photo.stage':
        this.stage(event);
        break;
      case 'photo.deleted':
        this.changed(this.data.remove(event.photoId));
        break;
      case 'stats':
        break;
    }
  }

  private stage(event: StageEvent) {
    const photo = this.data.get(event.photoId) ?? this.pinned.get(event.photoId);
    if (!photo) return;
    const next = withStage(photo, event);
    this.repin(next);
    if (this.data.get(event.photoId)) this.changed(this.data.place(next, false));
  }

  /** A landed page's photos brought up to the events that came while it was on its way (late-events.ts). */
  private overlay(events: readonly PhotoFeedEvent[]) {
    for (const event of events) {
      if (event.type === 'photo.stage') this.stage(event);
      else if (event.type === 'photo.deleted') this.changed(this.data.remove(event.photoId));
      else this.changed(this.data.place(event.photo, false)); // counted already: the page brought it
    }
  }
}
