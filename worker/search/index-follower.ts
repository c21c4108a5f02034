// Keeps a library's search index in step with D1 by reading the feed's event log from the seq it last
// applied (see search-index.ts for why the log and not hooks), and persists every change to the object's
// own storage (index-store.ts) so a restarted object reloads without reading the library back.
import { modelKey } from '../contract/analysis-models';
import { getSettings } from '../db/settings';
import type { Bindings } from '../env';
import { peopleList, toEntry, type IndexEntry } from './entry';
import { currentSeq, type IndexEvent, embeddingsOf, eventsAfter, fromHex, peopleOfPhotos, photoPage } from './index-source';
import type { IndexStore } from './index-store';
import { LibraryIndex } from './library-index';

const EVENT_PAGE = 1000;
const REBUILD_PAGE = 2000;

export class IndexFollower {
  /** null until the first sync loads it from storage (or D1). */
  index: LibraryIndex | null = null;
  private libraryId: string | null = null;
  private running: Promise<number> | null = null;
  private queued: Promise<number> | null = null;

  constructor(private readonly env: Bindings, readonly store: IndexStore) {}

  /** Forgets the stored index: the next sync reads the library again from D1. */
  reset(libraryId: string) {
    this.claim(libraryId);
    this.store.clear();
    this.index = null;
  }

  /** One object serves one library: a call naming another is a wiring bug, never served from this index. */
  private claim(libraryId: string) {
    this.libraryId ??= (this.store.owner ??= libraryId);
    if (this.libraryId !== libraryId) throw new Error(`search index of ${this.libraryId} asked about ${libraryId}`);
  }

  /**
   * Catches up with D1. A call waits for a sync that starts after it arrived (one already running may
   * have read the log before the caller's write committed); calls arriving together share that sync.
   */
  sync(libraryId: string): Promise<number> {
    this.claim(libraryId);
    if (this.queued) return this.queued;
    const before = this.running ?? Promise.resolve(0);
    const mine: Promise<number> = before.catch(() => 0).then(() => {
      this.queued = null;
      this.running = mine;
      return this.catchUp(libraryId);
    }).finally(() => {
      if (this.running === mine) this.running = null;
    });
    this.queued = mine;
    return mine;
  }

  private async catchUp(libraryId: string): Promise<number> {
    let rowsRead = 0;
    if (!this.index) this.load();
    if (this.store.seq === null) rowsRead += await this.rebuildFromD1(libraryId);
    for (;;) {
      const seq = this.store.seq!;
      const events = await eventsAfter(this.env.DB, libraryId, seq, EVENT_PAGE);
      rowsRead += events.rowsRead;
      if (!events.value.length) break;
      // Events are pruned after a week: an index that slept longer than that starts over.
      if (events.value[0].seq !== seq + 1 && seq > 0) {
        this.store.clear();
        this.load();
        rowsRead += await this.rebuildFromD1(libraryId);
        continue;
      }
      rowsRead += await this.applyEvents(libraryId, events.value);
      if (events.value.length < EVENT_PAGE) break;
    }
    return rowsRead + (await this.followSettings(libraryId));
  }

  /** Settings are cached per isolate for a few seconds (db/settings.ts): no D1 read on most queries. */
  async followSettings(libraryId: string): Promise<number> {
    const { embedding } = (await getSettings(this.env.DB, libraryId, this.env)).analysis;
    this.followModel(modelKey(embedding), embedding.dims);
    return 0;
  }

  private load() {
    const index = new LibraryIndex();
    for (const e of this.store.entries()) index.upsert(e);
    this.index = index;
  }

  /**
   * The searchable model is the library's setting, even before any photo has an embedding of it (a query
   * of another model is then refused rather than compared across spaces). Photos still carrying an older
   * model's embedding stay stored and come back into the ranking as they are analysed again.
   */
  private followModel(model: string, dims: number) {
    const index = this.index!;
    if (model === index.activeModel && dims === index.dims) return;
    index.activate(model, dims, this.store.vectors(model));
  }

  private async applyEvents(libraryId: string, events: Awaited<ReturnType<typeof eventsAfter>>['value']): Promise<number> {
    const index = this.index!;
    // The last event of a photo wins; a deletion anywhere after its last photo event removes it.
    const latest = new Map<string, (typeof events)[number]>();
    for (const e of events) if (e.photoId && (e.photo || e.type === 'photo.deleted')) latest.set(e.photoId, e);
    const analysed = new Set(events.filter((e) => e.type === 'analysis.completed').map((e) => e.photoId));
    const needVectors = [...latest.values()]
      .filter((e) => e.photo?.embedding_model && (analysed.has(e.photoId) || index.storedModel(e.photoId!) !== e.photo.embedding_model))
      .map((e) => e.photoId!);
    const fetched = needVectors.length ? await embeddingsOf(this.env.DB, libraryId, needVectors) : { value: new Map(), rowsRead: 0 };
    const people = await this.peopleChanges(libraryId, events);
    const upserts: IndexEntry[] = [];
    const removals: string[] = [];
    for (const [id, e] of latest) {
      people.value.delete(id);
      if (!e.photo) {
        removals.push(id);
        continue;
      }
      const v = fetched.value.get(id);
      const vector = needVectors.includes(id) ? (v ? v.vector : null) : index.has(id) ? undefined : null;
      const entry = toEntry({ ...e.photo, embedding_model: v?.model ?? e.photo.embedding_model }, vector);
      upserts.push({ ...entry, ...(people.fresh.has(id) && { people: people.fresh.get(id)! }) });
    }
    // Photos without an event of their own in this page: their people change in place. Written before the
    // seq moves on, so a crash in between replays the page instead of losing the change.
    for (const id of people.value.keys()) if (!index.has(id)) people.value.delete(id);
    if (people.value.size) this.store.setPeople(people.value);
    for (const [id, list] of people.value) index.setPeople(id, list);
    this.store.apply(upserts, removals, events[events.length - 1].seq);
    for (const e of upserts) index.upsert(e);
    for (const id of removals) index.remove(id);
    return fetched.rowsRead + people.rowsRead;
  }

  /**
   * The people of every photo a page's people.changed events touched, as D1 has them now (newer than
   * any event of the page). A photo may lose a person without being named (a re-clustering moves a face
   * from one unnamed person to another), so the photos the index had under a named person count too.
   */
  private async peopleChanges(libraryId: string, events: IndexEvent[]) {
    const changes = events.flatMap((e) => (e.people ? [e.people] : []));
    if (!changes.length) return { value: new Map<string, string[]>(), fresh: new Map<string, string[]>(), rowsRead: 0 };
    const personIds = [...new Set(changes.flatMap((c) => [...c.people, ...c.removed]))];
    const photoIds = [...new Set([...changes.flatMap((c) => c.photoIds), ...this.index!.photosOf(personIds)])];
    const read = await peopleOfPhotos(this.env.DB, libraryId, personIds, photoIds);
    const value = new Map<string, string[]>();
    for (const id of new Set([...photoIds, ...read.value.keys()])) value.set(id, peopleList(read.value.get(id) ?? []));
    return { value, fresh: new Map(value), rowsRead: read.rowsRead };
  }

  /** Reads the whole library (one page at a time, in id order); events after `seq` are applied next. */
  private async rebuildFromD1(libraryId: string): Promise<number> {
    const seq = await currentSeq(this.env.DB, libraryId);
    let rowsRead = 1;
    let afterId = '';
    for (;;) {
      const page = await photoPage(this.env.DB, libraryId, afterId, REBUILD_PAGE);
      rowsRead += page.rowsRead;
      const entries = page.value.map((p) => toEntry(p, p.embedding ? fromHex(p.embedding) : null));
      this.store.apply(entries, []);
      for (const e of entries) this.index!.upsert(e);
      if (page.value.length < REBUILD_PAGE) break;
      afterId = page.value[page.value.length - 1].id;
    }
    this.store.seq = seq;
    return rowsRead;
  }
}
